// Two results of the same function (e.g. main's and a pull request's): what
// changed at each size, whether it is beyond the noise of the two runs, whether
// the recommendation moved, and the CI gate's verdict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/result_model.h"
#include "util/error.h"

namespace sweetspot::report {

struct CompareOptions {
  double percentile = 95;                       // the duration the gate checks
  std::optional<double> max_duration_increase;  // percent
  std::optional<double> max_cost_increase;      // percent
};

enum class Noise {
  kWithin,   // the change is no larger than the two runs' 95% intervals allow
  kBeyond,   // larger: a real change
  kUnknown,  // a side has no interval (Power Tuning's averages, or one sample)
};

struct MetricChange {
  std::string metric;  // "p50", "p95", "avg", "cost"
  double old_value = 0;
  double new_value = 0;
  double noise = 0;  // the largest change the intervals explain (same unit)
  Noise verdict = Noise::kUnknown;
  double change() const { return old_value != 0 ? new_value / old_value - 1 : 0; }
};

struct SizeComparison {
  int memory_mb = 0;
  bool in_old = false;  // measured (at least one success)
  bool in_new = false;
  std::vector<MetricChange> changes;  // when measured in both
};

struct GateCheck {
  std::string what;  // "p95 duration" / "cost per invocation"
  std::string option;  // "--max-duration-increase"
  double limit_percent = 0;
  MetricChange change;
  bool exceeded() const { return change.change() * 100 > limit_percent; }
};

struct Comparison {
  std::string function;
  std::string old_origin, new_origin;
  std::optional<int> old_recommended, new_recommended;
  bool averages_only = false;  // a side is Power Tuning's: averages, its definitions
  std::string duration_basis;  // "p95", or "average" when averages_only
  std::optional<int> gate_size;
  std::string gate_size_reason;
  std::vector<SizeComparison> sizes;
  std::vector<GateCheck> checks;
  bool recommendation_moved() const { return old_recommended != new_recommended; }
  bool failed() const;
};

// Errors (usage, exit 2): results of different functions; no size measured in
// both; a threshold given but no recommended size to check it at, or that size
// not measured by both runs.
util::Result<Comparison> compare(const ResultReport& old_result, const ResultReport& new_result,
                                 const CompareOptions& options);

std::string render_comparison_text(const Comparison& comparison);
std::string render_comparison_markdown(const Comparison& comparison);
std::string render_comparison_html(const Comparison& comparison);

}  // namespace sweetspot::report
