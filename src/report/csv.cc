#include "report/csv.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace sweetspot::report {

namespace {

std::string number(double v) { return fmt::format("{}", v); }  // shortest text that reads back exactly

void add_stats(std::vector<std::string>& header, std::vector<std::string>* row, const char* name,
               const SampleStats& s) {
  const std::pair<const char*, double> fields[] = {
      {"mean", s.mean}, {"trimmed_mean", s.trimmed_mean}, {"min", s.min},           {"max", s.max},
      {"p5", s.p5},     {"p50", s.p50},                   {"p90", s.p90},           {"p95", s.p95},
      {"p99", s.p99},   {"stddev", s.stddev},             {"ci95_low", s.ci95_low}, {"ci95_high", s.ci95_high}};
  header.push_back(fmt::format("{}_count", name));
  if (row) row->push_back(std::to_string(s.count));
  for (const auto& [field, value] : fields) {
    header.push_back(fmt::format("{}_{}", name, field));
    if (row) row->push_back(s.count > 0 ? number(value) : "");
  }
}

std::vector<std::string> columns(const ResultReport& r, const SizeReport* s, std::vector<std::string>& header) {
  std::vector<std::string> row;
  std::vector<std::string>* out = s ? &row : nullptr;
  auto add = [&](const char* name, auto&& value) {
    header.push_back(name);
    if (out) out->push_back(value());
  };
  add("function", [&] { return r.function; });
  add("memory_mb", [&] { return std::to_string(s->memory_mb); });
  add("recommended", [&] { return std::string(r.recommended_mb == s->memory_mb ? "true" : "false"); });
  add("feasible", [&] { return std::string(s->feasible ? "true" : "false"); });
  add("infeasible_reason", [&] { return s->infeasible_reason; });
  add("cpu_capped_by_host", [&] { return std::string(s->cpu_capped_by_host ? "true" : "false"); });
  add("host_note", [&] { return s->host_note; });
  add("limits_enforced", [&] { return std::string(s->limits_enforced ? "true" : "false"); });
  add("invocations", [&] { return std::to_string(s->invocations); });
  add("successes", [&] { return std::to_string(s->successes); });
  add("errors", [&] {
    std::string e;
    for (const auto& [type, n] : s->errors) e += fmt::format("{}{}={}", e.empty() ? "" : ";", type, n);
    return e;
  });
  add("typical_duration_ms", [&] { return s->measured() ? number(s->typical_ms) : ""; });
  add("latency_ms", [&] { return s->measured() ? number(s->latency_ms) : ""; });
  add("cost_per_invocation_usd", [&] { return s->measured() ? number(s->cost_per_invocation) : ""; });
  add("cost_per_million_usd", [&] { return s->measured() ? number(s->cost_per_million) : ""; });
  add("power_tuning_average_duration_ms", [&] { return s->measured() ? number(s->power_tuning_duration_ms) : ""; });
  add("power_tuning_average_price_usd", [&] { return s->measured() ? number(s->power_tuning_cost) : ""; });
  add("max_memory_used_mb", [&] { return std::to_string(s->max_memory_used_mb); });
  const SampleStats empty;
  add_stats(header, out, "duration_ms", s ? s->duration : empty);
  add_stats(header, out, "warm_duration_ms", s ? s->warm : empty);
  add_stats(header, out, "cold_duration_ms", s ? s->cold : empty);
  add_stats(header, out, "init_duration_ms", s ? s->init : empty);
  add_stats(header, out, "billed_duration_ms", s ? s->billed : empty);
  add_stats(header, out, "cpu_time_ms", s ? s->cpu : empty);
  return row;
}

std::string line(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  return out + "\r\n";
}

}  // namespace

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string render_csv(const ResultReport& r) {
  std::vector<std::string> header;
  columns(r, nullptr, header);
  std::string out = line(header);
  for (const auto& s : r.sizes) {
    std::vector<std::string> ignored;
    out += line(columns(r, &s, ignored));
  }
  return out;
}

}  // namespace sweetspot::report
