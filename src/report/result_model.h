// One saved tuning result as every renderer reads it.
//
// Why a model read back from the JSON, rather than renderers over TuneResult:
// `sweetspot report RESULT.json` re-renders a saved result and `compare` reads
// two of them (one possibly AWS Lambda Power Tuning's own output), so the JSON
// document is the one thing all three commands have. `tune --html` therefore
// takes the same path (to_json, then read_result) and a page rendered during a
// run is byte for byte the page `report` renders from its --json later.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace sweetspot::report {

enum class ResultSource {
  kSweetspot,    // sweetspot's --json: every statistic
  kPowerTuning,  // Power Tuning's output: averages only, no percentiles, no noise
};

struct SampleStats {
  int count = 0;
  double mean = 0;
  double trimmed_mean = 0;
  double min = 0;
  double max = 0;
  double p5 = 0;
  double p50 = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  double stddev = 0;
  double ci95_low = 0;
  double ci95_high = 0;

  // p5, p50, p90, p95, p99; the mean for anything else (0 < p <= 100 is checked
  // by parse_percentile). Power Tuning results hold only the average.
  double percentile(double p) const;
};

struct SizeReport {
  int memory_mb = 0;
  bool feasible = true;
  std::string infeasible_reason;
  int invocations = 0;
  int successes = 0;
  std::map<std::string, int> errors;
  SampleStats duration;  // every successful invoke (init included when cold)
  SampleStats warm;
  SampleStats cold;
  SampleStats init;
  SampleStats billed;
  SampleStats cpu;
  int max_memory_used_mb = 0;
  double typical_ms = 0;  // what the strategies rank by
  double latency_ms = 0;  // the percentile the latency limit checks
  double cost_per_invocation = 0;
  double cost_per_million = 0;
  double power_tuning_duration_ms = 0;  // Power Tuning's averageDuration
  double power_tuning_cost = 0;         // Power Tuning's averagePrice
  bool cpu_capped_by_host = false;
  std::string host_note;
  bool limits_enforced = true;

  bool measured() const { return successes > 0; }
};

struct CurvePoint {
  int memory_mb = 0;
  double duration_ms = 0;
  double cost = 0;
  bool below_smallest_working_size = false;
};

// One X-Ray subsegment across the sizes (the result's traceParts, written by
// report/trace_view.cc from tuner/trace_parts.h): where the time goes.
struct PartSizeReport {
  int memory_mb = 0;
  int samples = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double mean_ms = 0;
  double share = 0;  // of the mean Duration at this size, 0..1
};

struct PartReport {
  std::string name;
  bool top_level = true;  // nested parts lie inside a top-level one: not stacked
  std::string verdict;      // "scales", "flat", "in between", "unknown"
  std::string description;  // "scales with CPU", "flat (waiting)", ...
  double cpu_fraction = 0;
  double explained = 0;
  std::vector<PartSizeReport> sizes;  // sorted by memory

  const PartSizeReport* at(int memory_mb) const;
};

struct LimitingPart {
  int memory_mb = 0;
  std::string name;
  double share = 0;
  std::string verdict;
  std::string sentence;
};

struct ResultReport {
  std::string origin;  // where it was read from, for messages ("old.json")
  ResultSource source = ResultSource::kSweetspot;
  int format_version = 0;  // 0: Power Tuning's
  std::string function;    // empty when the result does not say (Power Tuning)
  std::string backend;
  std::string strategy;
  std::optional<int> recommended_mb;
  std::string headline;
  std::vector<std::string> reasoning;
  std::vector<std::string> warnings;
  std::optional<double> limit_ms;
  double limit_percentile = 95;
  bool limit_met = true;
  std::optional<int> closest_mb;
  bool cold_starts = false;  // every sample a cold start
  bool auto_memory = false;
  double discard_top_bottom = 0.2;
  int num = 0;
  int invocations = 0;
  double lambda_cost = 0;
  std::string region;
  std::string architecture;
  std::vector<SizeReport> sizes;  // sorted by memory
  std::vector<CurvePoint> model_curve;
  std::string model_description;
  std::string visualization_url;
  std::vector<PartReport> parts;  // empty when the function sent no X-Ray subsegments
  std::optional<LimitingPart> limiting_part;

  const SizeReport* size(int memory_mb) const;
  const SizeReport* recommended() const { return recommended_mb ? size(*recommended_mb) : nullptr; }
  // The samples a reader compares sizes by: warm invokes of a warm run, all of
  // a cold-start run (the one cold start of a warm run is shown apart).
  const SampleStats& steady(const SizeReport& s) const;
  // "my-fn" / "the function" for sentences.
  std::string function_label() const;
};

// Reads sweetspot's result (sweetspot.formatVersion <= kResultFormatVersion) or
// Power Tuning's ({power, cost, duration, stateMachine, stats}). `origin` names
// the document in errors ("old.json"). Errors say what is wrong and what to do.
util::Result<ResultReport> read_result(const nlohmann::json& doc, std::string_view origin);

// Reads and parses the file.
util::Result<ResultReport> load_result(const std::filesystem::path& path);

}  // namespace sweetspot::report
