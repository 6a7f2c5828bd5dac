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
};

struct Choice {
  std::optional<size_t> chosen;   // index into the candidates; empty if none qualifies
  bool limit_met = true;          // false: no feasible size met the latency limit
  std::optional<size_t> closest;  // when the limit is missed: the feasible size with the lowest latency
};

// Cost: cheapest, ties to the faster. Speed: fastest, ties to the cheaper.
// Balanced: minimises w*cost/maxCost + (1-w)*duration/maxDuration over the
// feasible candidates (Power Tuning's formula). With a latency limit, only sizes
// whose latency_ms <= max_ms compete; if none does, nothing is chosen and the
// closest one is named.
Choice choose(const std::vector<Candidate>& candidates, const Strategy& strategy);

// The parse of "p95" / "95" / "p99.9" into 95 / 99.9.
util::Result<double> parse_percentile(std::string_view text);

}  // namespace sweetspot::tuner
