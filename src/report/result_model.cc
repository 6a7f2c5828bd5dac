#include "report/result_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/json_result.h"
#include "util/file.h"

namespace sweetspot::report {

namespace {

using nlohmann::json;

// Outside input: a missing or mistyped optional field reads as its default; the
// fields a report cannot do without are checked with a message naming them.
double number(const json& j, const char* key, double fallback = 0) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  const double v = it->get<double>();
  return std::isfinite(v) ? v : fallback;  // 1e999 parses as infinity
}

int integer(const json& j, const char* key, int fallback = 0) {
  const double v = number(j, key, fallback);
  return std::isfinite(v) && std::abs(v) < 1e9 ? static_cast<int>(std::lround(v)) : fallback;
}

bool boolean(const json& j, const char* key, bool fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string text(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

SampleStats stats(const json& j) {
  SampleStats s;
  s.count = integer(j, "count");
  s.mean = number(j, "mean");
  s.trimmed_mean = number(j, "trimmedMean", s.mean);
  s.min = number(j, "min");
  s.max = number(j, "max");
  s.p5 = number(j, "p5", s.min);
  s.p50 = number(j, "p50");
  s.p90 = number(j, "p90");
  s.p95 = number(j, "p95");
  s.p99 = number(j, "p99");
  s.stddev = number(j, "stddev");
  s.ci95_low = s.ci95_high = s.mean;
  const json& ci = member(j, "ci95");
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number()) {
    s.ci95_low = ci[0].get<double>();
    s.ci95_high = ci[1].get<double>();
  }
  return s;
}

bool valid_memory(int mb) { return mb >= 128 && mb <= 10240; }

// The traceParts beside the result: optional and read leniently, since a report
// without them is still a report. A part without a name, or a size outside
// Lambda's range, is left out rather than refusing the whole result.
void read_trace_parts(const json& doc, ResultReport& r) {
  const json& tp = member(doc, "traceParts");
  const json& parts = member(tp, "parts");
  if (!parts.is_array()) return;
  for (const json& j : parts) {
    PartReport p;
    p.name = text(j, "name");
    if (p.name.empty()) continue;
    p.top_level = boolean(j, "topLevel", true);
    p.verdict = text(j, "verdict");
    if (p.verdict.empty()) p.verdict = "unknown";
    p.description = text(j, "description");
    if (p.description.empty()) p.description = p.verdict;
    p.cpu_fraction = number(j, "cpuFraction");
    p.explained = number(j, "explained");
    if (const json& sizes = member(j, "sizes"); sizes.is_array()) {
      for (const json& sj : sizes) {
        PartSizeReport s{integer(sj, "memoryMb"), integer(sj, "samples"),   number(sj, "p50Ms"),
                         number(sj, "p95Ms"),     number(sj, "meanMs"),     number(sj, "share")};
        if (!valid_memory(s.memory_mb) || p.at(s.memory_mb) != nullptr) continue;
        s.p50_ms = std::max(0.0, s.p50_ms);
        s.p95_ms = std::max(0.0, s.p95_ms);
        s.mean_ms = std::max(0.0, s.mean_ms);
        s.share = std::clamp(s.share, 0.0, 1.0);
        p.sizes.push_back(s);
      }
    }
    std::sort(p.sizes.begin(), p.sizes.end(), [](auto& a, auto& b) { return a.memory_mb < b.memory_mb; });
    r.parts.push_back(std::move(p));
  }
  const json& limiting = member(tp, "limitingPart");
  if (limiting.is_object() && !text(limiting, "name").empty()) {
    r.limiting_part = LimitingPart{integer(limiting, "memoryMb"), text(limiting, "name"),
                                   std::clamp(number(limiting, "share"), 0.0, 1.0), text(limiting, "verdict"),
                                   text(limiting, "sentence")};
  }
}

util::Result<ResultReport> read_sweetspot(const json& doc, std::string_view origin) {
  const json& ss = doc["sweetspot"];
  ResultReport r;
  r.source = ResultSource::kSweetspot;
  const json& version = member(ss, "formatVersion");
  if (!version.is_number_integer()) {
    return util::fail(fmt::format(
        "{}: this result has no sweetspot.formatVersion: it was written by an older sweetspot; run `sweetspot tune "
        "... --json` again with this version",
        origin));
  }
  r.format_version = integer(ss, "formatVersion", -1);
  if (r.format_version < 1 || r.format_version > kResultFormatVersion) {
    return util::fail(fmt::format("{}: result format version {} is not one this sweetspot reads (it reads 1 to {}); "
                                  "use the sweetspot that wrote it, or tune again",
                                  origin, r.format_version, kResultFormatVersion));
  }
  r.function = text(ss, "function");
  r.backend = text(ss, "backend");
  const json& rec = member(ss, "recommendation");
  if (member(rec, "memoryMb").is_number()) r.recommended_mb = integer(rec, "memoryMb");
  r.headline = text(rec, "headline");
  r.reasoning = strings(member(rec, "reasoning"));
  r.warnings = strings(member(rec, "warnings"));
  r.strategy = text(rec, "strategy");
  r.limit_met = boolean(rec, "limitMet", true);
  if (member(rec, "closestMemoryMb").is_number()) r.closest_mb = integer(rec, "closestMemoryMb");
  const json& limit = member(rec, "latencyLimit");
  if (limit.is_object()) {
    r.limit_ms = number(limit, "maxDurationMs");
    r.limit_percentile = number(limit, "percentile", 95);
  }
  const json& run = member(ss, "run");
  if (r.backend.empty()) r.backend = text(run, "backend");
  r.cold_starts = boolean(run, "coldStarts", false);
  r.auto_memory = member(run, "memory").is_string();
  r.discard_top_bottom = number(run, "discardTopBottom", 0.2);
  r.num = integer(run, "num");
  r.invocations = integer(run, "invocations");
  r.lambda_cost = number(run, "lambdaCost");
  const json& prices = member(ss, "prices");
  r.region = text(prices, "region");
  r.architecture = text(prices, "architecture");

  const json& sizes = member(ss, "sizes");
  if (!sizes.is_array()) return util::fail(fmt::format("{}: sweetspot.sizes is missing or not a list", origin));
  for (const json& j : sizes) {
    SizeReport s;
    s.memory_mb = integer(j, "memoryMb");
    if (!valid_memory(s.memory_mb)) {
      return util::fail(fmt::format("{}: a size has memoryMb {}, outside Lambda's 128 to 10,240 MB", origin,
                                    s.memory_mb));
    }
    s.feasible = boolean(j, "feasible", true);
    s.infeasible_reason = text(j, "infeasibleReason");
    s.invocations = integer(j, "invocations");
    s.successes = integer(j, "successes");
    if (const json& errors = member(j, "errors"); errors.is_object()) {
      for (const auto& [type, n] : errors.items()) {
        if (n.is_number()) s.errors[type] = integer(errors, type.c_str());
      }
    }
    s.duration = stats(member(j, "durationMs"));
    s.warm = stats(member(j, "warmDurationMs"));
    s.cold = stats(member(j, "coldDurationMs"));
    s.init = stats(member(j, "initDurationMs"));
    s.billed = stats(member(j, "billedDurationMs"));
    s.cpu = stats(member(j, "cpuTimeMs"));
    s.max_memory_used_mb = integer(j, "maxMemoryUsedMb");
    s.typical_ms = number(j, "typicalDurationMs");
    s.latency_ms = number(j, "latencyMs");
    s.cost_per_invocation = number(member(j, "costPerInvocation"), "total");
    s.cost_per_million = number(j, "costPerMillion", s.cost_per_invocation * 1e6);
    const json& host = member(j, "host");
    s.cpu_capped_by_host = boolean(host, "cpuCappedByHost", false);
    s.host_note = text(host, "note");
    s.limits_enforced = boolean(j, "limitsEnforced", true);
    r.sizes.push_back(std::move(s));
  }
  // Power Tuning's fields of the same document.
  if (const json& pt = member(doc, "stats"); pt.is_array()) {
    for (const json& st : pt) {
      for (auto& s : r.sizes) {
        if (s.memory_mb == integer(st, "value")) {
          s.power_tuning_duration_ms = number(st, "averageDuration");
          s.power_tuning_cost = number(st, "averagePrice");
        }
      }
    }
  }
  const json& model = member(ss, "model");
  r.model_description = text(model, "description");
  if (const json& curve = member(model, "predictedCurve"); curve.is_array()) {
    for (const json& p : curve) {
      r.model_curve.push_back({integer(p, "memoryMb"), number(p, "durationMs"), number(p, "cost"),
                               boolean(p, "belowSmallestWorkingSize", false)});
    }
  }
  r.visualization_url = text(member(doc, "stateMachine"), "visualization");
  read_trace_parts(doc, r);
  return r;
}

// Power Tuning's output: averages per size and its pick, nothing else.
util::Result<ResultReport> read_power_tuning(const json& doc, std::string_view origin) {
  ResultReport r;
  r.source = ResultSource::kPowerTuning;
  r.backend = "AWS Lambda Power Tuning";
  r.strategy = "unknown (Power Tuning's result does not say)";
  for (const json& st : doc["stats"]) {
    SizeReport s;
    s.memory_mb = integer(st, "value");
    if (!valid_memory(s.memory_mb)) {
      return util::fail(fmt::format("{}: stats has value {}, outside Lambda's 128 to 10,240 MB", origin, s.memory_mb));
    }
    if (!member(st, "averageDuration").is_number() || !member(st, "averagePrice").is_number()) {
      return util::fail(fmt::format("{}: stats entry for {} MB lacks averageDuration or averagePrice", origin,
                                    s.memory_mb));
    }
    const double d = number(st, "averageDuration");
    s.power_tuning_duration_ms = d;
    s.power_tuning_cost = number(st, "averagePrice");
    s.successes = 1;  // it averaged something; Power Tuning does not say how many
    s.duration.count = 1;
    s.duration.mean = s.duration.trimmed_mean = s.duration.min = s.duration.max = d;
    s.duration.p5 = s.duration.p50 = s.duration.p90 = s.duration.p95 = s.duration.p99 = d;
    s.duration.ci95_low = s.duration.ci95_high = d;
    s.typical_ms = s.latency_ms = d;
    s.cost_per_invocation = s.power_tuning_cost;
    s.cost_per_million = s.power_tuning_cost * 1e6;
    r.sizes.push_back(std::move(s));
  }
  if (member(doc, "power").is_number()) r.recommended_mb = integer(doc, "power");
  if (r.recommended_mb) {
    r.headline = fmt::format("Power Tuning picked {} MB.", *r.recommended_mb);
  } else {
    r.headline = "Power Tuning picked no size.";
  }
  r.visualization_url = text(member(doc, "stateMachine"), "visualization");
  return r;
}

}  // namespace

double SampleStats::percentile(double p) const {
  if (p == 5) return p5;
  if (p == 50) return p50;
  if (p == 90) return p90;
  if (p == 95) return p95;
  if (p == 99) return p99;
  return trimmed_mean;
}

const PartSizeReport* PartReport::at(int memory_mb) const {
  for (const auto& s : sizes) {
    if (s.memory_mb == memory_mb) return &s;
  }
  return nullptr;
}

const SizeReport* ResultReport::size(int memory_mb) const {
  for (const auto& s : sizes) {
    if (s.memory_mb == memory_mb) return &s;
  }
  return nullptr;
}

const SampleStats& ResultReport::steady(const SizeReport& s) const {
  return !cold_starts && s.warm.count > 0 ? s.warm : s.duration;
}

std::string ResultReport::function_label() const { return function.empty() ? "the function" : function; }

util::Result<ResultReport> read_result(const json& doc, std::string_view origin) {
  try {
    if (!doc.is_object()) {
      return util::fail(fmt::format("{}: not a tuning result (expected a JSON object from `sweetspot tune --json` or "
                                    "AWS Lambda Power Tuning)",
                                    origin));
    }
    util::Result<ResultReport> r;
    if (doc.contains("sweetspot")) {
      r = read_sweetspot(doc, origin);
    } else if (doc.contains("stats") && doc["stats"].is_array()) {
      r = read_power_tuning(doc, origin);
    } else {
      return util::fail(fmt::format("{}: not a tuning result: it has neither a \"sweetspot\" nor a \"stats\" key "
                                    "(write one with `sweetspot tune ... --json FILE`)",
                                    origin));
    }
    if (r) {
      r->origin = std::string(origin);
      std::sort(r->sizes.begin(), r->sizes.end(), [](auto& a, auto& b) { return a.memory_mb < b.memory_mb; });
      for (size_t i = 1; i < r->sizes.size(); ++i) {
        if (r->sizes[i].memory_mb == r->sizes[i - 1].memory_mb) {
          return util::fail(fmt::format("{}: {} MB appears twice", origin, r->sizes[i].memory_mb));
        }
      }
      if (r->recommended_mb && !r->recommended()) {
        return util::fail(fmt::format("{}: the recommended {} MB is not among its sizes", origin, *r->recommended_mb));
      }
    }
    return r;
  } catch (const json::exception& e) {
    return util::fail(fmt::format("{}: malformed result: {}", origin, e.what()));
  }
}

util::Result<ResultReport> load_result(const std::filesystem::path& path) {
  auto content = util::read_file(path);
  if (!content) return util::fail(content.error().message);
  json doc = json::parse(*content, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return util::fail(fmt::format("{}: not JSON (expected the file `sweetspot tune --json` or Power Tuning wrote)",
                                  path.string()));
  }
  return read_result(doc, path.string());
}

}  // namespace sweetspot::report
