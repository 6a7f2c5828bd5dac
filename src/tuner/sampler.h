// Measures memory sizes in interleaved rounds rather than one whole batch per
// size: each round visits every size that still needs invokes in a fresh random
// order and runs a few invokes of it (its environments kept warm in between), so
// a spell of host load falls on many sizes instead of on whichever size was
// running, and never lines up with memory size. A reference CPU burst between
// batches measures how much CPU the host gave (HostProbe); invokes a busy host
// slowed are marked and left out of the statistics where enough others exist.
// A size that runs out of memory or times out stops at once: more invokes
// cannot make it usable.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine_api/backend.h"
#include "tuner/host_probe.h"
#include "tuner/pricing.h"
#include "tuner/size_result.h"

namespace sweetspot::tuner {

class TuneObserver;

struct SamplerOptions {
  engine_api::StartPolicy start = engine_api::StartPolicy::kWarm;
  bool parallel = false;   // a size's invokes of a round at once, each in its own environment
  int first_batch = 1;     // invokes of a size's first batch: its cold start alone, so a size that
                           // runs out of memory or times out costs one invoke
  int per_round = 2;       // invokes of a size per later round
  int group = 12;          // sizes interleaved at once (the backend keeps this many warm)
  uint64_t seed = 0;       // the order of sizes in each round; 0: a random seed
  MeasureOptions measure;
};

// What the reference bursts said about the host over the whole run.
struct HostReport {
  int probes = 0;
  double median_availability = 1;  // share of a CPU a runnable thread got (1 = the host was free)
  double min_availability = 1;
  double median_speed = 1;         // the slowest CPU's speed against the fastest (host_probe.h)
  double min_speed = 1;
  int disturbed_invocations = 0;   // invokes a busy host slowed (see SizeResult::disturbed)
  int total_invocations = 0;
  // Plain words when the host was too busy to trust some or all measurements.
  std::string verdict;
  bool too_noisy = false;
  // --parallel: sizes whose invokes ran fewer at once than asked, so that their
  // environments did not share CPUs (memory MB -> environments at once).
  std::map<int, int> parallel_limited;
};

class Sampler {
 public:
  Sampler(engine_api::Backend& backend, std::vector<std::string> payloads, const Prices& prices, SamplerOptions options,
          TuneObserver* observer, HostProbe* probe);

  // Asks for `invocations` invokes in total at this size (raises, never lowers).
  void want(int memory_mb, int invocations);
  // Runs rounds until every size has what it wants or has stopped.
  void run();

  bool has(int memory_mb) const { return sizes_.contains(memory_mb); }
  int invocations(int memory_mb) const;
  int total_invocations() const { return total_; }
  SizeResult result(int memory_mb) const;
  std::vector<SizeResult> results() const;  // sorted by memory
  HostReport host() const;
  // Tells the observer that these sizes are done (once each).
  void finish();

 private:
  struct SizeState {
    engine_api::SizeSupport support;
    std::vector<engine_api::Invocation> invocations;
    std::vector<HostReading> host;     // per invocation: the host during its batch
    int wanted = 0;
    int batches = 0;
    bool warm_reuse_seen = false;  // a later batch began warm: the backend keeps environments
    std::string stopped;           // why it stopped before what it wanted
    std::string backend_error;
    bool reported = false;
    int concurrency_limit = 0;  // --parallel: the most environments run at once, when limited
  };
  bool active(const SizeState& s) const;
  void run_batch(int memory_mb, SizeState& state);
  HostReading probe();

  engine_api::Backend& backend_;
  std::vector<std::string> payloads_;
  Prices prices_;  // a copy: callers pass temporaries
  SamplerOptions options_;
  TuneObserver* observer_;
  HostProbe* probe_;
  std::mt19937_64 random_;
  std::map<int, SizeState> sizes_;
  std::vector<HostReading> probes_;
  HostReading last_probe_;
  int total_ = 0;
};

// The largest number of environments of this size that can run at once on this
// host without taking CPU from each other (at least 1): --parallel is limited to
// it so that contention does not pass for the function's own time.
int contention_free_concurrency(const engine_api::Backend& backend, int memory_mb, int wanted);

}  // namespace sweetspot::tuner
