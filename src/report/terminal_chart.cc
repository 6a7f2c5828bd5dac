#include "report/terminal_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/text_format.h"

namespace sweetspot::report {

namespace {

// A bar of `value / max` of `width` cells in eighths of a cell (U+2588..U+258F).
std::string bar(double value, double max, int width) {
  static const char* kEighths[] = {"", "\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589"};
  const double fraction = max > 0 && std::isfinite(value / max) ? std::clamp(value / max, 0.0, 1.0) : 0.0;
  const int eighths = static_cast<int>(std::lround(fraction * width * 8));
  std::string out;
  for (int i = 0; i < eighths / 8; ++i) out += "\u2588";
  out += kEighths[eighths % 8];
  const int cells = eighths / 8 + (eighths % 8 ? 1 : 0);
  out.append(static_cast<size_t>(std::max(0, width - cells)), ' ');
  return out;
}

char mark(const ResultReport& r, const SizeReport& s) {
  if (r.recommended_mb && *r.recommended_mb == s.memory_mb) return '*';
  if (!s.feasible) return '!';
  if (s.cpu_capped_by_host) return '~';
  return ' ';
}

}  // namespace

std::string render_terminal_chart(const ResultReport& r, int width) {
  double max_ms = 0, max_cost = 0;
  for (const auto& s : r.sizes) {
    if (!s.measured()) continue;
    max_ms = std::max(max_ms, r.steady(s).p50);
    max_cost = std::max(max_cost, s.cost_per_invocation);
  }
  std::string out = fmt::format("  {:>9}  {:<{}} {:>8}  {:<{}} {}\n", "memory",
                                r.source == ResultSource::kPowerTuning ? "duration (average)" : "duration (p50)", width,
                                "ms", "cost per invocation", width, "");
  for (const auto& s : r.sizes) {
    if (!s.measured()) {
      out += fmt::format("{} {:>9}  {}\n", mark(r, s), format_mb(s.memory_mb),
                         s.infeasible_reason.empty() ? "no successful invoke" : s.infeasible_reason);
      continue;
    }
    const double ms = r.steady(s).p50;
    out += fmt::format("{} {:>9}  {} {:>8}  {} {}\n", mark(r, s), format_mb(s.memory_mb), bar(ms, max_ms, width),
                       format_ms(ms), bar(s.cost_per_invocation, max_cost, width), format_cost(s.cost_per_invocation));
  }
  return out;
}

std::string render_terminal_table(const ResultReport& r) {
  std::string out = fmt::format("  {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>12} {:>10}\n", "memory", "ok",
                                "avg ms", "p50", "p95", "p99", "+/-95%", "max MB", "$ per call", "$ per 1M");
  for (const auto& s : r.sizes) {
    const std::string ok = fmt::format("{}/{}", s.successes, s.invocations);
    if (!s.measured()) {
      out += fmt::format("{} {:>9} {:>7}   {}\n", mark(r, s), format_mb(s.memory_mb), ok, s.infeasible_reason);
      continue;
    }
    const SampleStats& d = r.steady(s);
    out += fmt::format("{} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>12} {:>10}", mark(r, s),
                       format_mb(s.memory_mb), ok, format_ms(s.typical_ms), format_ms(d.p50), format_ms(d.p95),
                       format_ms(d.p99), format_ms((d.ci95_high - d.ci95_low) / 2), s.max_memory_used_mb,
                       fmt::format("{:.8f}", s.cost_per_invocation), fmt::format("{:.2f}", s.cost_per_million));
    if (!s.feasible) out += "  " + s.infeasible_reason;
    out += '\n';
  }
  return out;
}

std::string render_terminal_summary(const ResultReport& r) {
  std::string out = fmt::format("{} ({}, {})\n\n", r.function_label(), r.backend.empty() ? "?" : r.backend,
                                r.source == ResultSource::kPowerTuning ? "AWS Lambda Power Tuning's result"
                                                                       : fmt::format("format {}", r.format_version));
  if (r.source == ResultSource::kSweetspot) out += render_terminal_table(r) + "\n";
  out += render_terminal_chart(r) + "\n";
  out += "Recommendation: " + r.headline + "\n";
  for (const auto& line : r.reasoning) out += "  - " + line + "\n";
  for (const auto& line : r.warnings) out += "  ! " + line + "\n";
  if (!r.visualization_url.empty()) out += "\nChart on lambda-power-tuning.show: " + r.visualization_url + "\n";
  return out;
}

}  // namespace sweetspot::report
