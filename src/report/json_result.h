// The --json result: a superset of AWS Lambda Power Tuning's output object, so
// tools that read Power Tuning's result read sweetspot's, plus everything
// sweetspot measured and reasoned under the key "sweetspot".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuner/tuner.h"
#include "util/error.h"

namespace sweetspot::report {

// sweetspot.formatVersion: raised when a field changes meaning or goes away, so
// `report` and `compare` refuse a result they would misread. Version 1: the
// first with the field (and with sweetspot.function and p5 in every summary).
inline constexpr int kResultFormatVersion = 1;

inline constexpr const char* kVisualizationBase = "https://lambda-power-tuning.show/";

// Power Tuning's visualization URL: base + "#" + base64(Int16 LE sizes) ";"
// base64(Float32 LE average durations) ";" base64(Float32 LE average costs),
// the three sorted by size.
struct VisualizationPoint {
  int memory_mb = 0;
  double duration_ms = 0;
  double cost = 0;
};
std::string visualization_url(std::vector<VisualizationPoint> points);

// Power Tuning's fields: power, cost, duration (of the recommended size, by its
// definitions: trimmed mean of Duration + Init, priced at ceil(ms) without the
// request charge), stateMachine {executionCost 0, lambdaCost, visualization},
// stats [{value, averagePrice, averageDuration, totalCost}] for every size with a
// successful invoke. sweetspot's own: full statistics, full cost, model, search,
// reasoning, prices and host limits. power/cost/duration are null when no size
// is recommended (latency limit missed, or nothing worked).
nlohmann::json to_json(const tuner::TuneResult& result);

// Written atomically: a reader sees the old file or the whole new one.
util::Result<void> write_json(const std::filesystem::path& path, const tuner::TuneResult& result);

}  // namespace sweetspot::report
