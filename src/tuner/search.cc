#include "tuner/search.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "engine/lambda_limits.h"
#include "util/strings.h"

namespace sweetspot::tuner {

std::vector<int> initial_probes() { return {128, 256, 512, 1024, 1769, 3538, 10240}; }

ModelPoint to_model_point(const SizeResult& size) {
  ModelPoint p;
  p.memory_mb = size.memory_mb;
  p.duration_ms = size.typical_duration_ms;
  p.cpu_ms = size.cpu_time_ms.trimmed_mean;
  p.latency_ms = size.latency_ms;
  // Host-capped sizes ran with less CPU than Lambda gives: fit them with what
  // they had, so the model predicts Lambda's duration, not the host's.
  p.cpus = size.support.effective_cpus > 0 ? size.support.effective_cpus : engine::cpu_share(size.memory_mb);
  p.cores = size.support.effective_cores > 0 ? size.support.effective_cores : engine::visible_cores(size.memory_mb);
  return p;
}

PredictedPoint predict(const DurationModel& model, const Prices& prices, int memory_mb, int tmp_mb) {
  PredictedPoint p;
  p.memory_mb = memory_mb;
  p.duration_ms = model.duration_ms(memory_mb);
  p.latency_ms = model.latency_ms(memory_mb);
  p.cost = invocation_cost(prices, memory_mb, std::ceil(p.duration_ms), tmp_mb).total();
  return p;
}

Candidate to_candidate(const SizeResult& size) {
  return Candidate{size.memory_mb, size.cost.total(), size.typical_duration_ms, size.latency_ms, size.feasible};
}

Candidate to_candidate(const PredictedPoint& point) {
  return Candidate{point.memory_mb, point.cost, point.duration_ms, point.latency_ms, true};
}

std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb) {
  std::vector<PredictedPoint> curve;
  std::vector<Candidate> candidates;
  for (int m = std::max(lowest_mb, engine::kMinMemoryMb); m <= engine::kMaxMemoryMb; ++m) {
    curve.push_back(predict(model, prices, m, tmp_mb));
    candidates.push_back(to_candidate(curve.back()));
  }
  const Choice choice = choose(candidates, strategy);
  if (choice.chosen) return curve[*choice.chosen];
  if (choice.closest) return curve[*choice.closest];
  return std::nullopt;
}

namespace {

// How close a measured size must be to the predicted best to count as it: 1% of
// the size (the cost of a near-flat optimum moves less than that), at least 8 MB.
int tolerance_mb(int memory_mb) { return std::max(8, memory_mb / 100); }

}  // namespace

SearchReport auto_search(const MeasureFn& measure, const Strategy& strategy, const Prices& prices, int tmp_mb,
                         const SearchOptions& options) {
  SearchReport report;
  std::map<int, SizeResult> measured;
  auto run = [&](int memory_mb, std::string reason) {
    Probe probe{memory_mb, std::move(reason), std::nullopt, std::nullopt};
    if (report.model) {
      const PredictedPoint p = predict(*report.model, prices, memory_mb, tmp_mb);
      probe.predicted_duration_ms = p.duration_ms;
      probe.predicted_cost = p.cost;
    }
    report.probes.push_back(std::move(probe));
    measured.emplace(memory_mb, measure(memory_mb));
  };
  for (int m : initial_probes()) {
    if (static_cast<int>(report.probes.size()) >= options.max_probes) break;
    run(m, "first spread over the range");
  }

  while (true) {
    // The feasible range starts above the largest failing size below the first
    // size that worked: smaller sizes run out of memory or time.
    std::optional<int> lowest_feasible;
    for (const auto& [m, r] : measured) {
      if (r.feasible) {
        lowest_feasible = m;
        break;
      }
    }
    if (!lowest_feasible) {
      report.stop_reason = "no measured size worked, so there is nothing to model";
      return report;
    }
    int failing_below = engine::kMinMemoryMb - 1;
    for (const auto& [m, r] : measured) {
      if (m < *lowest_feasible && !r.feasible) failing_below = m;
    }
    std::vector<ModelPoint> points;
    for (const auto& [m, r] : measured) {
      if (r.feasible) points.push_back(to_model_point(r));
    }
    auto model = DurationModel::fit(points);
    if (!model) {
      report.stop_reason = model.error().message;
      return report;
    }
    report.model = *model;
    report.predicted_best = predicted_best(*model, prices, strategy, failing_below + 1, tmp_mb);
    if (!report.predicted_best) {
      report.stop_reason = "the model predicts no feasible size";
      return report;
    }
    const int target = report.predicted_best->memory_mb;
    int next = 0;
    std::string why;
    if (target < *lowest_feasible) {
      // The best is in the unexplored gap above a failing size: halve the gap
      // rather than stepping just above the failure each time.
      if (*lowest_feasible - failing_below <= tolerance_mb(*lowest_feasible)) {
        report.converged = true;
        report.stop_reason = fmt::format("the best size is the smallest that works, {} MB, found to within {} MB",
                                         util::with_thousands(*lowest_feasible), *lowest_feasible - failing_below);
        return report;
      }
      next = std::max(target, failing_below + (*lowest_feasible - failing_below) / 2);
      why = fmt::format("narrowing the smallest size that works (between {} and {} MB)", failing_below,
                        *lowest_feasible);
    } else {
      int nearest = measured.begin()->first;
      for (const auto& [m, r] : measured) {
        if (std::abs(m - target) < std::abs(nearest - target)) nearest = m;
      }
      if (std::abs(nearest - target) <= tolerance_mb(target)) {
        report.converged = true;
        report.stop_reason = fmt::format("the predicted best, {} MB, is measured (at {} MB)",
                                         util::with_thousands(target), util::with_thousands(nearest));
        return report;
      }
      next = target;
      why = "the model's predicted best";
    }
    if (static_cast<int>(report.probes.size()) >= options.max_probes) {
      report.stop_reason = fmt::format("stopped at the limit of {} measured sizes", options.max_probes);
      return report;
    }
    run(next, std::move(why));
  }
}

}  // namespace sweetspot::tuner
