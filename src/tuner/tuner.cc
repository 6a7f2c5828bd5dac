#include "tuner/tuner.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/lambda_limits.h"
#include "tuner/explain.h"

namespace sweetspot::tuner {

namespace {

class ForwardInvocations : public engine::InvokeObserver {
 public:
  explicit ForwardInvocations(TuneObserver* observer) : observer_(observer) {}
  void on_invocation(const engine::Invocation& invocation) override {
    if (observer_) observer_->on_invocation(invocation);
  }

 private:
  TuneObserver* observer_;
};

class Runner {
 public:
  Runner(engine::Backend& backend, const Plan& plan, const Prices& prices, std::vector<std::string> payloads,
         TuneObserver* observer)
      : backend_(backend), plan_(plan), prices_(prices), payloads_(std::move(payloads)), observer_(observer),
        forward_(observer) {}

  SizeResult measure(int memory_mb) {
    const engine::SizeSupport support = backend_.support(memory_mb);
    if (observer_) observer_->on_size_start(memory_mb, support);
    engine::Batch batch;
    batch.memory_mb = memory_mb;
    batch.payloads = payloads_;
    batch.start = plan_.start;
    batch.concurrency = plan_.parallel ? static_cast<int>(payloads_.size()) : 1;
    auto invocations = backend_.run(batch, &forward_);
    MeasureOptions options;
    options.discard_top_bottom = plan_.discard_top_bottom;
    options.latency_percentile = plan_.strategy.limit ? plan_.strategy.limit->percentile : 95;
    options.start = plan_.start;
    options.tmp_mb = plan_.tmp_mb;
    SizeResult result = summarize_size(memory_mb, support, invocations ? *invocations : std::vector<engine::Invocation>{},
                                       prices_, options);
    if (!invocations) {
      result.feasible = false;
      result.infeasible_reason = "could not run: " + invocations.error().message;
    }
    if (observer_) observer_->on_size_done(result);
    return result;
  }

 private:
  engine::Backend& backend_;
  const Plan& plan_;
  const Prices& prices_;
  std::vector<std::string> payloads_;
  TuneObserver* observer_;
  ForwardInvocations forward_;
};

}  // namespace

util::Result<void> validate(const Plan& plan) {
  if (plan.num < 1) return util::fail(fmt::format("--num must be at least 1 (got {})", plan.num));
  if (plan.selection == SizeSelection::kList) {
    if (plan.memory_sizes.empty()) return util::fail("--memory needs at least one size");
    for (int m : plan.memory_sizes) {
      if (!engine::valid_memory_mb(m)) {
        return util::fail(fmt::format("memory size {} MB is outside Lambda's range of {} to {} MB", m,
                                      engine::kMinMemoryMb, engine::kMaxMemoryMb));
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

util::Result<TuneResult> tune(engine::Backend& backend, const Plan& plan, const Prices& prices,
                              TuneObserver* observer) {
  if (auto valid = validate(plan); !valid) return std::unexpected(valid.error());
  auto payloads = expand_payloads(plan.payloads, plan.num);
  if (!payloads) return std::unexpected(payloads.error());

  TuneResult result;
  result.plan = plan;
  result.prices = prices;
  result.backend = backend.describe();
  result.architecture = backend.architecture();
  Runner runner(backend, plan, prices, *payloads, observer);

  if (plan.selection == SizeSelection::kAuto) {
    if (observer) observer->on_start(plan.search.max_probes * plan.num);
    std::vector<SizeResult> measured;
    result.search = auto_search(
        [&](int memory_mb) {
          measured.push_back(runner.measure(memory_mb));
          return measured.back();
        },
        plan.strategy, prices, plan.tmp_mb, plan.search);
    result.sizes = std::move(measured);
  } else {
    std::vector<int> sizes = plan.memory_sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (observer) observer->on_start(static_cast<int>(sizes.size()) * plan.num);
    for (int m : sizes) result.sizes.push_back(runner.measure(m));
  }
  std::sort(result.sizes.begin(), result.sizes.end(),
            [](const SizeResult& a, const SizeResult& b) { return a.memory_mb < b.memory_mb; });

  for (const auto& size : result.sizes) {
    result.invocations += size.invocations;
    result.lambda_cost += size.spent;
  }
  std::vector<Candidate> candidates;
  std::vector<ModelPoint> points;
  int failing_below = engine::kMinMemoryMb - 1;
  bool seen_feasible = false;
  for (const auto& size : result.sizes) {
    candidates.push_back(to_candidate(size));
    if (size.feasible) {
      points.push_back(to_model_point(size));
      seen_feasible = true;
    } else if (!seen_feasible) {
      failing_below = size.memory_mb;
    }
  }
  result.choice = choose(candidates, plan.strategy);
  if (result.search && result.search->model) {
    result.model = result.search->model;
  } else if (auto model = DurationModel::fit(points)) {
    result.model = *model;
  }
  if (result.model) {
    auto best = predicted_best(*result.model, prices, plan.strategy, failing_below + 1, plan.tmp_mb);
    const SizeResult* chosen = result.recommended();
    const bool auto_mode = plan.selection == SizeSelection::kAuto;
    if (best && (auto_mode || (chosen && plan.strategy.kind == StrategyKind::kCost && !plan.strategy.limit &&
                               best->cost < chosen->cost.total() * 0.97))) {
      result.model_best = best;
    }
  }
  explain(result);
  return result;
}

}  // namespace sweetspot::tuner
