// A model of how a function's duration depends on its memory size, fitted from
// wall time AND CPU time at the measured sizes:
//
//   duration(m) = wait(m) + cpu(m) * (serial / min(share, 1) + parallel / min(share, cores))
//
// share = m / 1769 vCPUs and cores = visible cores (engine/lambda_limits.h). The
// CPU time tells how much work there is; the wall time left over is waiting (I/O,
// sleeps), which more memory does not shorten; sizes above one vCPU tell the serial
// and parallel parts apart. cpu(m) and wait(m) are interpolated between measured
// sizes (monotone cubic in log memory), because real functions do more work when
// memory is tight (garbage collection), which no share formula predicts.
//
// The workload's kind (cpu_fraction) is judged by how the DURATIONS respond to
// the CPU share, not by CPU time alone: runtimes burn CPU on their own threads
// (Node.js's and Java's GC and JIT) while the function waits, and more memory
// does not shorten that. Where the shares measured (a size above one vCPU counts
// as one) are kShareSpread apart, duration = wait + work / min(share, 1) is
// fitted to the sizes (share_fit.h); its work plus kThrottleAllowancePeriods of
// the quota's period (its granularity), over its duration at one vCPU, is the
// fraction, capped by the CPU-time reading (parallel work above one vCPU can
// only raise it).
// Otherwise the CPU-time reading stands. Predictions still use the CPU time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine_api/lambda_limits.h"
#include "util/error.h"

namespace sweetspot::tuner {

struct ModelPoint {
  int memory_mb = 0;
  double duration_ms = 0;  // typical (trimmed mean) duration
  double cpu_ms = 0;       // typical CPU time per invoke
  double latency_ms = 0;   // the latency-limit percentile
  double cpus = 0;         // vCPUs the measurement actually had (host-capped sizes: less than Lambda's)
  int cores = 0;           // cores it could see
  // The period its CPU quota was enforced over (SizeSupport::cpu_period).
  double cpu_period_ms = std::chrono::duration<double, std::milli>(engine_api::kCpuPeriod).count();
};

enum class WorkloadKind { kCpuBound, kIoBound, kMixed };
const char* to_string(WorkloadKind kind);

class DurationModel {
 public:
  // Needs at least one point; the serial fraction needs a point above one vCPU
  // (otherwise it is assumed serial, the conservative guess, and says so).
  static util::Result<DurationModel> fit(std::vector<ModelPoint> points);

  // Predicted duration and latency percentile at Lambda's share for this size.
  double duration_ms(int memory_mb) const;
  double latency_ms(int memory_mb) const;
  double cpu_ms(int memory_mb) const;
  double wait_ms(int memory_mb) const;  // waiting (I/O); 0 where CPU time explains all

  // How many times its CPU time a function of this size takes in wall time, at
  // Lambda's share (1 at one vCPU for serial work, more below, less above).
  double work_factor(int memory_mb) const;
  double serial_fraction() const { return serial_; }  // of the CPU work
  bool parallelism_measured() const { return parallelism_measured_; }
  // Share of the duration at one full vCPU (1,769 MB) that is CPU work on the
  // critical path (see the header comment for how it is judged).
  double cpu_fraction() const;
  // The fraction from CPU time alone (what cpu_fraction falls back to and is
  // capped by).
  double cpu_time_fraction() const;
  // True when cpu_fraction was judged by how the durations respond to the share.
  bool judged_by_durations() const { return duration_fraction_.has_value(); }
  WorkloadKind kind() const;
  // vCPUs beyond which more memory stops making it faster (within 5%).
  double useful_cpus() const;
  // One sentence: "CPU-bound, single-threaded: ..." for the reasoning.
  std::string describe() const;
  const std::vector<ModelPoint>& points() const { return points_; }

 private:
  double interpolate(const std::vector<double>& values, int memory_mb) const;
  double time_factor(double share, int cores) const;

  std::vector<ModelPoint> points_;   // sorted by memory
  std::vector<double> log_memory_;
  std::vector<double> wait_;         // per point: wall time not explained by CPU work
  std::vector<double> cpu_;
  std::vector<double> latency_ratio_;  // latency / duration per point
  double serial_ = 1;
  bool parallelism_measured_ = false;
  // Work / (wait + work) at one vCPU from how the durations respond to the
  // share; empty where the shares do not tell (fewer than two, or too close).
  std::optional<double> duration_fraction_;
  double critical_cpu_ms_ = 0;  // the most work at one vCPU that fit allows
};

// Sizes tell CPU work from waiting by their durations only when their shares
// (up to one vCPU) differ at least this much (a ratio): closer, host noise
// swamps the difference the work makes.
inline constexpr double kShareSpread = 2.0;
// How much shorter than work / share an invoke's duration may be from the CPU
// quota's granularity, in quota periods (the period the sizes ran under: 20 ms
// on Lambda, ../shared/FACTS.md; the local engine's --cpu-period): its last
// period is not waited out and its first may start with a full quota.
inline constexpr double kThrottleAllowancePeriods = 2;

// Monotone piecewise cubic (Fritsch-Carlson, Boost.Math's pchip) through (x, y),
// constant beyond the ends: never overshoots the data, so it invents no minimum
// that was not measured.
double pchip(const std::vector<double>& x, const std::vector<double>& y, double at);

}  // namespace sweetspot::tuner
