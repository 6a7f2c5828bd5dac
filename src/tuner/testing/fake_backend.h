// A Backend that runs nothing: each invoke's numbers come from a known duration
// curve (wait + serial and parallel CPU work + memory-pressure overhead, noise,
// out of memory below a working set), so tests and benchmarks know the optimum.
// For tests and bench/ only; never linked into sweetspot itself.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/backend.h"

namespace sweetspot::tuner::testing {

struct Curve {
  std::string name = "curve";
  double wait_ms = 0;          // waiting (I/O) per invoke: no CPU, not shortened by memory
  double serial_cpu_ms = 0;    // single-threaded CPU work at one full vCPU
  double parallel_cpu_ms = 0;  // CPU work that spreads over every core it gets
  int working_set_mb = 0;      // sizes at or below this run out of memory
  double pressure_cpu_ms = 0;  // extra CPU work (garbage collection) x working_set / (memory - working_set)
  double init_ms = 0;          // init duration at one vCPU (cold starts); scales like serial work
  double noise = 0;            // relative standard deviation of each duration
  double timeout_ms = 0;       // 0: none; longer invokes end in Sandbox.Timedout
  int host_cores = 6;          // cores of the pretend host: larger sizes are capped
  // Shapes the model's formula does not have (it must find them by measuring):
  int knee_mb = 0;              // at or above this size all CPU work is multiplied by knee_factor
  double knee_factor = 1;       // (data that fits a memory-sized cache: a step, not a curve)
  double serial_ms_per_gb = 0;  // serial CPU work growing with memory (a heap scanned in proportion to its size)
  // Memory the kernel counts in Max Memory Used while there is room and takes
  // back under a tight limit (page cache of the code): the function fits below
  // what it used at larger sizes, and a size near its floor reports its limit.
  int reclaimable_mb = 0;
  // 0: CPU work takes c / share, as a slower CPU would. > 0: the serial work (and
  // the collector's) runs under a CPU quota over periods of this length, as on
  // Lambda (20 ms), taking tuner::expected_quota_duration_ms, and support()
  // reports that period; parallel work keeps c / share. Off in every standard
  // curve, whose tables it would change.
  double quota_period_ms = 0;
  // Relative standard deviation (of its logarithm) of an execution environment's
  // speed, drawn at its cold start: all CPU work in it takes that much longer or
  // shorter, and its CPU time with it (bench/README.md session 10: about 9%
  // between environments on a 2-CPU host). 0 in the curves of the first sessions,
  // whose tables it would change.
  double environment_spread = 0;
  // All CPU work at sizes below a fifth of a vCPU takes this factor more (or less)
  // CPU time: throttled in slices of under 4 ms per 20 ms period, a process finds
  // its caches cold (image-python: 10-15% more at 128-320 MB in three sweeps).
  double throttled_cpu_factor = 1;
  // 0: waiting adds to the CPU part at every size (the standard curves of the
  // first sessions). Otherwise below one vCPU a short wait passes in time the
  // quota holds the function back anyway: the duration is the larger of this
  // factor x its CPU work / share and wait + its CPU work at full speed
  // (examples/image-python measured with sizes interleaved: 0.94-0.96,
  // bench/README.md session 12).
  double wait_hidden_factor = 0;
  // > 1: the host runs all CPU work this much faster in its fast stretches than
  // in its slow ones, in every environment at once, and switches between the
  // two after host_stretch_invokes invokes on average (bench/README.md
  // sessions 12 and 13: 1.31x, runs of 2-10 invokes; which of the two most
  // invokes see changes by the hour). The two are sqrt(factor) either side of
  // the curve's own work: their mean is 0.9% above it, the same at every size.
  double host_stretch_factor = 1;
  double host_stretch_invokes = 5;
};

// Synthetic workloads with known optima, shared by the tests and bench/: CPU-bound
// (serial and parallel), I/O-bound, mixed, memory pressure with out of memory
// below a working set, short invokes where billing's rounding matters, and
// shapes outside the model's formula (a step in CPU work, work growing with memory).
std::vector<Curve> standard_curves();

// The standard curve of that name (a default Curve when there is none).
Curve standard_curve(std::string_view name);

// Noise-free numbers of a warm invoke at Lambda's share (no host cap).
double true_cpu_ms(const Curve& curve, int memory_mb);
double true_duration_ms(const Curve& curve, int memory_mb);

class FakeBackend : public engine_api::Backend {
 public:
  explicit FakeBackend(Curve curve, uint64_t seed = 1) : curve_(std::move(curve)), random_(seed) {}

  std::string describe() const override { return "fake backend (" + curve_.name + ")"; }
  engine_api::Architecture architecture() const override { return arch; }
  engine_api::SizeSupport support(int memory_mb) const override;
  util::Result<std::vector<engine_api::Invocation>> run(const engine_api::Batch& batch,
                                                    engine_api::InvokeObserver* observer) override;

  // Payload {"scale": x} multiplies the work; {"fail": true} is a function error.
  const std::vector<engine_api::Batch>& batches() const { return batches_; }
  int invocations() const { return invocations_; }
  // Sizes for which run() returns an error (the backend cannot configure them).
  std::vector<int> refuse;
  engine_api::Architecture arch = engine_api::Architecture::kX86_64;

 private:
  engine_api::Invocation invoke(int memory_mb, const std::string& payload, engine_api::StartKind start);

  Curve curve_;
  std::mt19937_64 random_;
  std::vector<engine_api::Batch> batches_;
  std::map<int, size_t> warm_;  // environments kept warm per size
  bool fast_stretch_ = false;  // the host's state (host_stretch_factor)
  std::map<int, double> slowness_;  // of each size's latest environment: its CPU work x this (environment_spread)
  int invocations_ = 0;
};

}  // namespace sweetspot::tuner::testing
