#include "tuner/tuner.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine_api/lambda_limits.h"
#include "util/interrupt.h"

namespace sweetspot::tuner {

util::Result<void> validate(const Plan& plan) {
  if (plan.num < 1) return util::fail(fmt::format("--num must be at least 1 (got {})", plan.num));
  if (plan.selection == SizeSelection::kList) {
    if (plan.memory_sizes.empty()) return util::fail("--memory needs at least one size");
    for (int m : plan.memory_sizes) {
      if (!engine_api::valid_memory_mb(m)) {
        return util::fail(fmt::format("memory size {} MB is outside Lambda's range of {} to {} MB", m,
                                      engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb));
      }
    }
  }
  if (plan.search.max_probes < 1) return util::fail("the auto search needs at least one probe");
  if (plan.strategy.weight < 0 || plan.strategy.weight > 1) {
    return util::fail(fmt::format("--weight must be between 0 and 1 (got {})", plan.strategy.weight));
  }
  if (plan.discard_top_bottom < 0 || plan.discard_top_bottom > 0.4) {
    return util::fail(fmt::format("--discard-top-bottom must be between 0 and 0.4 (got {})", plan.discard_top_bottom));
  }
  if (plan.strategy.limit && plan.strategy.limit->max_ms <= 0) {
    return util::fail("--max-duration must be a positive number of milliseconds");
  }
  auto payloads = expand_payloads(plan.payloads, plan.num);
  if (!payloads) return std::unexpected(payloads.error());
  return {};
}

util::Result<TuneResult> tune(engine_api::Backend& backend, const Plan& plan, const Prices& prices,
                              TuneObserver* observer, HostProbe* probe) {
  if (auto valid = validate(plan); !valid) return std::unexpected(valid.error());
  auto payloads = expand_payloads(plan.payloads, plan.num);
  if (!payloads) return std::unexpected(payloads.error());

  TuneResult result;
  result.plan = plan;
  result.prices = prices;
  result.backend = backend.describe();
  result.architecture = backend.architecture();
  SamplerOptions options;
  options.start = plan.start;
  options.parallel = plan.parallel;
  options.seed = plan.seed;
  options.measure.discard_top_bottom = plan.discard_top_bottom;
  options.measure.latency_percentile = plan.strategy.limit ? plan.strategy.limit->percentile : 95;
  options.measure.start = plan.start;
  options.measure.tmp_mb = plan.tmp_mb;
  QuietHost quiet;
  Sampler sampler(backend, *payloads, prices, options, observer, probe ? probe : &quiet);

  if (plan.selection == SizeSelection::kAuto) {
    SearchOptions search = plan.search;
    search.max_per_size = plan.num;
    if (observer) observer->on_start(search.max_invocations);
    result.search = auto_search(sampler, plan.strategy, prices, plan.tmp_mb, search);
  } else {
    std::vector<int> sizes = plan.memory_sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (observer) observer->on_start(static_cast<int>(sizes.size()) * plan.num);
    for (int m : sizes) sampler.want(m, plan.num);
    sampler.run();
  }
  sampler.finish();
  result.sizes = sampler.results();
  if (util::interrupted()) {
    // Ctrl-C: what was measured before it, without the sizes never reached.
    result.interrupted = true;
    std::erase_if(result.sizes, [](const SizeResult& s) { return s.invocations == 0; });
  }
  assign_margins(result.sizes);
  result.host = sampler.host();
  std::sort(result.sizes.begin(), result.sizes.end(),
            [](const SizeResult& a, const SizeResult& b) { return a.memory_mb < b.memory_mb; });

  for (const auto& size : result.sizes) {
    result.invocations += size.invocations;
    result.lambda_cost += size.spent;
  }
  // --memory auto compares the sizes as in a typical environment, as its search
  // did (environment_speed.h); the table and the JSON keep what was measured.
  std::vector<SizeResult> compared = result.sizes;
  if (plan.selection == SizeSelection::kAuto && plan.search.compare_at_typical_speed) {
    TypicalSpeed typical = at_typical_speed(result.sizes, prices, plan.tmp_mb);
    compared = std::move(typical.sizes);
    result.speed_adjustments = std::move(typical.adjustments);
    assign_margins(compared);
  }
  std::vector<Candidate> candidates;
  std::vector<ModelPoint> points;
  std::vector<ModelPoint> untrusted_points;
  double noise = 0;
  int usable = 0;
  for (const auto& size : compared) {
    candidates.push_back(to_candidate(size));
    if (size.feasible) {
      // The model and the workload's kind are judged on what the host did not
      // disturb, when at least two such sizes exist.
      (size.trusted ? points : untrusted_points).push_back(to_model_point(size));
      noise += size.cost_margin;
      ++usable;
    }
  }
  if (points.size() < 2) points.insert(points.end(), untrusted_points.begin(), untrusted_points.end());
  if (usable > 0) noise /= usable;
  result.choice = choose(candidates, plan.strategy);
  if (auto model = DurationModel::fit(points)) {
    result.model = *model;
  } else if (result.search && result.search->model) {
    result.model = result.search->model;
  }
  // --memory auto measures most sizes a few times: where the model's form
  // explains every size within noise, they are compared through its fit
  // (smoothing.h), so the pick is not the luckiest of several noisy means.
  if (plan.selection == SizeSelection::kAuto && plan.search.compare_through_fit && result.model &&
      !plan.strategy.limit) {
    result.sizes_fit = fit_sizes(compared);
    if (result.sizes_fit) {
      candidates.clear();
      for (const auto& size : compared_sizes(compared, &*result.sizes_fit, prices, plan.tmp_mb)) {
        candidates.push_back(to_candidate(size));
      }
      result.choice = choose(candidates, plan.strategy);
    }
  }
  if (result.model) {
    auto best = predicted_best(*result.model, prices, plan.strategy, smallest_plausible_mb(result.sizes), plan.tmp_mb,
                               noise);
    const SizeResult* chosen = result.recommended();
    const bool auto_mode = plan.selection == SizeSelection::kAuto;
    if (best && (auto_mode || (chosen && plan.strategy.kind == StrategyKind::kCost && !plan.strategy.limit &&
                               best->cost < chosen->cost.total() * 0.97))) {
      result.model_best = best;
    }
  }
  {
    std::vector<SizeParts> parts;
    for (const auto& size : result.sizes) {
      if (!size.parts.empty()) parts.push_back({size.memory_mb, size.parts, size.support.effective_cpus});
    }
    result.trace_parts = fit_parts(parts);
  }
  for (const std::string& note : backend.notes()) result.warnings.insert(result.warnings.begin(), note);
  if (result.interrupted) {
    result.warnings.insert(result.warnings.begin(),
                           fmt::format("interrupted: only what was measured before it is here ({} size{}), and the "
                                       "recommendation is among those",
                                       result.sizes.size(), result.sizes.size() == 1 ? "" : "s"));
  }
  if (const SizeResult* chosen = result.recommended()) {
    if (auto sentence = limiting_part_sentence(result.trace_parts, chosen->memory_mb); !sentence.empty()) {
      result.reasoning.push_back(std::move(sentence));
    }
  }
  return result;
}

}  // namespace sweetspot::tuner
