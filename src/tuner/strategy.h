// How one size is chosen among several: Power Tuning's strategies (cost, speed,
// balanced) plus a latency limit it cannot express. Works on plain candidates,
// so the same rules pick among measured sizes and along a predicted curve.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace sweetspot::tuner {

enum class StrategyKind { kCost, kSpeed, kBalanced };
const char* to_string(StrategyKind kind);
util::Result<StrategyKind> parse_strategy(std::string_view name);

struct LatencyLimit {
  double max_ms = 0;
  double percentile = 95;  // which percentile of duration must stay within max_ms
};

struct Strategy {
  StrategyKind kind = StrategyKind::kCost;
  double weight = 0.5;  // balanced only: 1 = cost only, 0 = speed only (Power Tuning's balancedWeight)
  std::optional<LatencyLimit> limit;
};

struct Candidate {
  int memory_mb = 0;
  double cost = 0;         // USD per invocation
  double duration_ms = 0;  // the average the strategies rank by
  double latency_ms = 0;   // the percentile the latency limit checks
  bool feasible = true;    // false: out of memory, timed out, or never succeeded
  // Relative half-widths of the 95% intervals of cost and duration (0: exact,
  // e.g. a model's prediction). They decide which sizes are equivalent.
  double cost_margin = 0;
  double duration_margin = 0;
};

// The one rule that keeps the answer from flipping with noise: sizes whose cost
// (cost strategy) or duration (speed strategy) is within this much of the best
// are equivalent, and among equivalent sizes the other quantity decides: equal
// cost buys speed for free, equal speed is taken at the lower cost. The band is
// the two sizes' combined noise, at least kMinTie and at most kMaxTie, so a
// noisy run never trades more than kMaxTie of cost for speed.
inline constexpr double kMinTie = 0.005;
inline constexpr double kMaxTie = 0.01;
double tie_band(const Candidate& best, const Candidate& other, bool by_cost);

struct Choice {
  std::optional<size_t> chosen;   // index into the candidates; empty if none qualifies
  bool limit_met = true;          // false: no feasible size met the latency limit
  std::optional<size_t> closest;  // when the limit is missed: the feasible size with the lowest latency
};

// Cost: the fastest of the sizes whose cost is within tie_band() of the cheapest,
// and of the sizes among those as fast as it within tie_band(), the cheapest.
// Speed: the cheapest of the sizes within tie_band() of the fastest, and of
// those as cheap as it within tie_band(), the fastest.
// Balanced: minimises w*cost/maxCost + (1-w)*duration/maxDuration over the
// feasible candidates (Power Tuning's formula). With a latency limit, only sizes
// whose latency_ms <= max_ms compete; if none does, nothing is chosen and the
// closest one is named.
Choice choose(const std::vector<Candidate>& candidates, const Strategy& strategy);

// The parse of "p95" / "95" / "p99.9" into 95 / 99.9.
util::Result<double> parse_percentile(std::string_view text);

}  // namespace sweetspot::tuner
