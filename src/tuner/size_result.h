// Everything measured at one memory size, and how it is turned into the numbers
// the strategies and reports use.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine_api/backend.h"
#include "engine_api/invocation.h"
#include "tuner/host_probe.h"
#include "tuner/pricing.h"
#include "tuner/statistics.h"
#include "tuner/trace_parts.h"

namespace sweetspot::tuner {

struct SizeResult {
  int memory_mb = 0;
  engine_api::SizeSupport support;
  int invocations = 0;
  int successes = 0;
  std::map<std::string, int> errors;  // error type ("Runtime.OutOfMemory") -> count
  std::string first_error;            // "Type: message" of the first failed invoke with a message

  // Durations count as Power Tuning counts them: Duration + Init Duration, so a
  // cold start's init is in its sample. Only successful invokes are samples.
  Summary duration;       // every successful invoke
  Summary warm_duration;  // warm invokes only
  Summary cold_duration;  // cold invokes only (init included)
  Summary init_duration;  // Init Duration of cold invokes
  Summary billed_ms;      // Billed Duration (init included when cold)
  Summary steady_billed_ms;  // Billed Duration of the steady-state samples (see below)
  Summary cpu_time_ms;    // CPU the environment used per steady-state invoke (see below)
  // The steady-state samples behind steady_billed_ms and cpu_time_ms, in the
  // order they ran, and the share the summaries trimmed off each end: what
  // compares a size invoke by invoke at another CPU speed (environment_speed.h).
  struct SteadySample {
    double duration_ms = 0, billed_ms = 0, cpu_ms = 0;
  };
  std::vector<SteadySample> steady_samples;
  double discard_top_bottom = 0.2;
  int max_memory_used_mb = 0;
  bool limits_enforced = true;  // false if any invoke ran without memory/CPU caps

  // The duration strategies rank by (trimmed mean of the steady-state samples)
  // and the percentile the latency limit checks.
  double typical_duration_ms = 0;
  double latency_ms = 0;

  // Cost of a typical call: compute for the trimmed-mean billed duration of the
  // steady-state samples (as for typical_duration_ms), plus the request charge
  // and storage. `mean_cost` is the untrimmed average the
  // run actually incurred; `spent` the total of every invoke, failures included.
  InvocationCost cost;
  double mean_cost = 0;
  double spent = 0;

  // Power Tuning's numbers for its compatible JSON fields.
  double power_tuning_duration_ms = 0;  // trimmed mean of all samples
  double power_tuning_cost = 0;         // ceil(that) priced without request charge

  // Where the time went, from the invokes' X-Ray traces (empty when the
  // function sent no subsegments): see trace_parts.h.
  std::vector<PartTiming> parts;

  bool feasible = true;
  std::string infeasible_reason;  // plain words, e.g. "out of memory in 10 of 10 invokes"

  // The host during this size's invokes (reference CPU bursts between batches):
  // `disturbed` invokes ran while a runnable thread got less CPU than this size
  // needs, or while a CPU of the host ran slower than it can (so the host, not
  // memory, may have slowed them). The statistics
  // leave them out when at least two undisturbed samples remain (`trusted`);
  // otherwise they include them and `trusted` is false.
  int disturbed = 0;
  bool trusted = true;
  double host_availability = 1;  // median share of a CPU a runnable thread got
  double host_speed = 1;         // median speed of the host's slowest CPU (host_probe.h)
  std::string stopped_early;     // why it got fewer invokes than planned, if it did

  // Relative half-widths of the 95% intervals of cost and typical duration, from
  // the noise pooled over the sizes of the run (set by the tuner): what decides
  // which sizes are equivalent (strategy.h) and which need more invokes.
  double cost_margin = 0;
  double duration_margin = 0;
  // The relative spread of one steady billed duration those margins came from:
  // pooled over the sizes whose spread is like this one's (spread_at_level).
  double sample_noise = 0;
  // True when each steady sample was compared at the level of the run's CPU
  // times (environment_speed.h): its spread no longer holds the host's fast and
  // slow stretches, and is pooled only with the spreads of sizes like it.
  bool spread_at_level = false;

  double cost_per_million() const { return cost.total() * 1e6; }
};

struct MeasureOptions {
  double discard_top_bottom = 0.2;
  double latency_percentile = 95;
  engine_api::StartPolicy start = engine_api::StartPolicy::kWarm;
  int tmp_mb = 512;
};

// Reduces one size's invocations to a SizeResult. A size is infeasible when any
// invoke ran out of memory or timed out (it would on Lambda too, sooner or later),
// or when no invoke succeeded.
// `host` (optional, one per invocation) is what the host probe measured around
// each invoke.
SizeResult summarize_size(int memory_mb, const engine_api::SizeSupport& support,
                          const std::vector<engine_api::Invocation>& invocations, const Prices& prices,
                          const MeasureOptions& options, const std::vector<HostReading>& host = {});

// True when a thread that got `availability` of a CPU could not have given this
// size the CPU it is entitled to (min(1, its vCPUs) per thread), within 15%; or
// when a CPU ran more than 15% slower than the fastest: a CPU millisecond then
// does less work at any size, so CPU time and duration both overstate it.
bool disturbed_by_host(const HostReading& host, const engine_api::SizeSupport& support);

}  // namespace sweetspot::tuner
