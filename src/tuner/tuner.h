// The tuner: runs a function at many memory sizes through a Backend, measures
// every size honestly, and recommends one with its reasons. It never prints:
// progress goes to a TuneObserver, the result to the report layer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine_api/backend.h"
#include "tuner/environment_speed.h"
#include "tuner/host_probe.h"
#include "tuner/model.h"
#include "tuner/payloads.h"
#include "tuner/pricing.h"
#include "tuner/sampler.h"
#include "tuner/search.h"
#include "tuner/size_result.h"
#include "tuner/smoothing.h"
#include "tuner/strategy.h"
#include "util/error.h"

namespace sweetspot::tuner {

enum class SizeSelection { kList, kAuto };

struct Plan {
  SizeSelection selection = SizeSelection::kList;
  std::vector<int> memory_sizes = {128, 256, 512, 1024, 1536, 3008};  // Power Tuning's defaults
  SearchOptions search;
  int num = 10;  // invokes per size (--memory auto: at most, for the sizes that decide)
  std::vector<WeightedPayload> payloads = {WeightedPayload{}};
  Strategy strategy;
  double discard_top_bottom = 0.2;
  engine_api::StartPolicy start = engine_api::StartPolicy::kWarm;
  bool parallel = false;  // all invokes of a size at once, each in its own environment
  int tmp_mb = 512;
  // Sizes are measured in interleaved rounds in a random order drawn from this
  // seed (the CLI draws a fresh one per run; tests fix it).
  uint64_t seed = 1;
};

// Everything sweetspot learns while tuning, as the reports need it.
class TuneObserver {
 public:
  virtual ~TuneObserver() = default;
  // `planned` invokes in total; for --memory auto an upper bound.
  virtual void on_start(int /*planned*/) {}
  // Before each batch of a size (sizes are interleaved, so a size starts
  // several times); on_size_done once per size at the end.
  virtual void on_size_start(int /*memory_mb*/, const engine_api::SizeSupport& /*support*/) {}
  virtual void on_invocation(const engine_api::Invocation& /*invocation*/) {}
  virtual void on_size_done(const SizeResult& /*result*/) {}
};

struct TuneResult {
  std::string function;  // the function's name (SAM logical id or directory name), set by the caller
  Plan plan;
  Prices prices;
  std::string backend;  // Backend::describe()
  engine_api::Architecture architecture = engine_api::Architecture::kX86_64;
  std::vector<SizeResult> sizes;  // sorted by memory
  Choice choice;                   // indices into `sizes`
  std::optional<DurationModel> model;
  std::optional<SearchReport> search;  // --memory auto only
  // --memory auto: the fit the sizes were compared by, when the model's form
  // explained every measured size within noise (smoothing.h); `choice` is then
  // by the fit's durations and costs, and `sizes` still hold the measurements.
  std::optional<SizesFit> sizes_fit;
  // --memory auto: the sizes whose durations were compared at the level of all
  // sizes' CPU times per invoke rather than their environment's own
  // (environment_speed.h); `choice` is by those, `sizes` hold the measurements.
  std::vector<SpeedAdjustment> speed_adjustments;
  // The model's best over the whole range, when it beats every measured size by
  // more than 3% (a hint to try --memory auto); always set for --memory auto.
  std::optional<PredictedPoint> model_best;
  // Each X-Ray subsegment the function sent, across the sizes, with whether
  // memory speeds it up (trace_parts.h). Empty when it sent none.
  std::vector<PartScaling> trace_parts;
  // Words for people: report::explain writes the recommendation's; the tuner
  // adds only backend notes, an interrupted run and the limiting X-Ray part.
  std::string headline;                // one line: the recommendation and why
  std::vector<std::string> reasoning;  // supporting sentences
  std::vector<std::string> warnings;   // e.g. host-capped or unenforced sizes
  HostReport host;                     // how busy the host was while measuring
  int invocations = 0;
  double lambda_cost = 0;
  // Ctrl-C (or SIGTERM) ended the run early: `sizes` holds the sizes measured
  // to the end before it; the size in flight is left out.
  bool interrupted = false;  // what every invoke of the run would have cost on Lambda

  const SizeResult* recommended() const { return choice.chosen ? &sizes[*choice.chosen] : nullptr; }
  const SizeResult* closest() const { return choice.closest ? &sizes[*choice.closest] : nullptr; }
};

// Checks the plan (sizes in 128..10,240, num >= 1, payloads fit num, weight in
// [0, 1], discard fraction in [0, 0.4]) before anything runs.
util::Result<void> validate(const Plan& plan);

// Runs the plan. A failing invoke or a size the backend cannot run is recorded,
// never fatal; an error means the plan itself was invalid. `probe` measures this
// host between batches (pass a CpuBurstProbe when the backend runs invokes on
// this host); without one the host is taken as quiet.
util::Result<TuneResult> tune(engine_api::Backend& backend, const Plan& plan, const Prices& prices,
                              TuneObserver* observer, HostProbe* probe = nullptr);

}  // namespace sweetspot::tuner
