#include "tuner/strategy.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace sweetspot::tuner {

const char* to_string(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kCost: return "cost";
    case StrategyKind::kSpeed: return "speed";
    case StrategyKind::kBalanced: return "balanced";
  }
  return "cost";
}

util::Result<StrategyKind> parse_strategy(std::string_view name) {
  if (name == "cost") return StrategyKind::kCost;
  if (name == "speed") return StrategyKind::kSpeed;
  if (name == "balanced") return StrategyKind::kBalanced;
  return util::fail(fmt::format("unknown strategy \"{}\": use cost, speed or balanced", name));
}

util::Result<double> parse_percentile(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == 'p' || digits.front() == 'P')) digits.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value <= 0 || value > 100) {
    return util::fail(fmt::format("bad percentile \"{}\": write it as p50, p90, p95, p99 or pNN with 0 < NN <= 100", text));
  }
  return value;
}

double tie_band(const Candidate& best, const Candidate& other, bool by_cost) {
  const double noise = by_cost ? best.cost_margin + other.cost_margin : best.duration_margin + other.duration_margin;
  return std::clamp(noise, kMinTie, kMaxTie);
}

Choice choose(const std::vector<Candidate>& candidates, const Strategy& strategy) {
  Choice choice;
  std::vector<size_t> eligible;
  std::optional<size_t> lowest_latency;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!candidates[i].feasible) continue;
    if (!lowest_latency || candidates[i].latency_ms < candidates[*lowest_latency].latency_ms) lowest_latency = i;
    if (strategy.limit && candidates[i].latency_ms > strategy.limit->max_ms) continue;
    eligible.push_back(i);
  }
  if (eligible.empty()) {
    if (strategy.limit && lowest_latency) {
      choice.limit_met = false;
      choice.closest = lowest_latency;
    }
    return choice;
  }

  double max_cost = 0;
  double max_duration = 0;
  for (size_t i : eligible) {
    max_cost = std::max(max_cost, candidates[i].cost);
    max_duration = std::max(max_duration, candidates[i].duration_ms);
  }
  const double w = std::clamp(strategy.weight, 0.0, 1.0);
  auto score = [&](const Candidate& c) {
    switch (strategy.kind) {
      case StrategyKind::kCost: return c.cost;
      case StrategyKind::kSpeed: return c.duration_ms;
      case StrategyKind::kBalanced:
        return w * (max_cost > 0 ? c.cost / max_cost : 0) + (1 - w) * (max_duration > 0 ? c.duration_ms / max_duration : 0);
    }
    return c.cost;
  };
  size_t best = eligible.front();
  for (size_t i : eligible) {
    if (score(candidates[i]) < score(candidates[best])) best = i;
  }
  if (strategy.kind == StrategyKind::kBalanced) {
    // Balanced already weighs both; an exact tie in score goes to the faster.
    for (size_t i : eligible) {
      if (score(candidates[i]) == score(candidates[best]) && candidates[i].duration_ms < candidates[best].duration_ms) {
        best = i;
      }
    }
  } else {
    // Among the sizes equivalent to the best, the other quantity decides.
    const bool by_cost = strategy.kind == StrategyKind::kCost;
    const Candidate& top = candidates[best];
    const double top_score = score(top);
    size_t pick = best;
    for (size_t i : eligible) {
      const Candidate& c = candidates[i];
      if (score(c) > top_score * (1 + tie_band(top, c, by_cost))) continue;
      const double other = by_cost ? c.duration_ms : c.cost;
      const double current = by_cost ? candidates[pick].duration_ms : candidates[pick].cost;
      if (other < current) pick = i;
    }
    // And a size only as fast as that within noise does not buy speed: of those,
    // the cheaper (cost strategy; the faster with speed). Without this a size
    // just past the point where cost starts to rise (one vCPU for serial work)
    // wins whenever noise makes it look a little faster at a little more cost.
    const Candidate& chosen = candidates[pick];
    const double chosen_other = by_cost ? chosen.duration_ms : chosen.cost;
    size_t settled = pick;
    for (size_t i : eligible) {
      const Candidate& c = candidates[i];
      if (score(c) > top_score * (1 + tie_band(top, c, by_cost))) continue;
      const double other = by_cost ? c.duration_ms : c.cost;
      if (other > chosen_other * (1 + tie_band(chosen, c, !by_cost))) continue;
      if (score(c) < score(candidates[settled])) settled = i;
    }
    best = settled;
  }
  choice.chosen = best;
  return choice;
}

}  // namespace sweetspot::tuner
