// `--memory auto`: find the best size anywhere in 128..10,240 MB without measuring
// them all. Measure a few sizes spread over the range, fit the duration model,
// predict cost/duration at every 1 MB step, measure the predicted best, refit, and
// stop when the prediction lands on a size already measured.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tuner/model.h"
#include "tuner/pricing.h"
#include "tuner/size_result.h"
#include "tuner/strategy.h"

namespace sweetspot::tuner {

struct SearchOptions {
  int max_probes = 24;  // sizes measured at most, the first probes included
};

struct Probe {
  int memory_mb = 0;
  std::string reason;  // why this size was measured
  // What the model predicted here before measuring it (the guided probes).
  std::optional<double> predicted_duration_ms;
  std::optional<double> predicted_cost;
};

struct PredictedPoint {
  int memory_mb = 0;
  double duration_ms = 0;
  double latency_ms = 0;
  double cost = 0;  // USD per invocation, request charge and storage included
};

struct SearchReport {
  std::vector<Probe> probes;
  std::optional<DurationModel> model;          // fitted to every feasible probe
  std::optional<PredictedPoint> predicted_best;  // where the last model put the optimum
  bool converged = false;
  std::string stop_reason;
};

// The sizes measured first: both ends, powers of two and whole vCPUs, so the
// model sees the fractional-CPU range, one vCPU and several.
std::vector<int> initial_probes();

ModelPoint to_model_point(const SizeResult& size);

PredictedPoint predict(const DurationModel& model, const Prices& prices, int memory_mb, int tmp_mb);

// Converts measured sizes or predictions into what the strategies compare.
Candidate to_candidate(const SizeResult& size);
Candidate to_candidate(const PredictedPoint& point);

// The best size the model predicts among [lowest_mb, 10,240] in 1 MB steps.
std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb);

using MeasureFn = std::function<SizeResult(int memory_mb)>;

SearchReport auto_search(const MeasureFn& measure, const Strategy& strategy, const Prices& prices, int tmp_mb,
                         const SearchOptions& options);

}  // namespace sweetspot::tuner
