#include "report/markdown.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/text_format.h"

namespace sweetspot::report {

namespace {

// Mermaid strings are double-quoted with no escape: drop what would end them.
std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\n' || c == '\r' || c == '`') continue;
    out += c;
  }
  return out;
}

std::string axis_number(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

// Where the time goes: a table, not a Mermaid chart, because xychart-beta has
// neither stacked bars nor a legend, and unlabelled lines per part say nothing.
std::string parts_markdown(const ResultReport& r) {
  if (r.parts.empty()) return "";
  std::vector<int> sizes;
  for (const auto& p : r.parts) {
    for (const auto& s : p.sizes) sizes.push_back(s.memory_mb);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  int at_mb = sizes.back();
  if (r.recommended_mb && std::find(sizes.begin(), sizes.end(), *r.recommended_mb) != sizes.end()) {
    at_mb = *r.recommended_mb;
  }
  std::string out = "#### Where the time goes (X-Ray subsegments, p50 ms)\n\n";
  if (r.limiting_part && !r.limiting_part->sentence.empty()) {
    const std::string& sentence = r.limiting_part->sentence;
    out += markdown_escape(sentence) + (sentence.ends_with('.') ? "\n\n" : ".\n\n");
  }
  out += "| Part |";
  std::string rule = "|:--|";
  for (int mb : sizes) {
    out += fmt::format(" {} |", format_mb(mb));
    rule += "---:|";
  }
  out += fmt::format(" Share at {} | Memory |\n{}---:|:--|\n", format_mb(at_mb), rule);
  for (const auto& p : r.parts) {
    out += fmt::format("| {}{} |", p.top_level ? "" : "↳ ", markdown_escape(p.name));
    for (int mb : sizes) {
      const PartSizeReport* t = p.at(mb);
      out += t ? fmt::format(" {} |", format_ms(t->p50_ms)) : " – |";
    }
    const PartSizeReport* t = p.at(at_mb);
    out += fmt::format(" {} | {} |\n", t ? fmt::format("{:.0f}%", t->share * 100) : "–", markdown_escape(p.description));
  }
  return out + "\n";
}

}  // namespace

std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '#': case '~': case '!':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string mermaid_xychart(std::string_view title, std::string_view y_title, const std::vector<int>& memory_mb,
                            const std::vector<MermaidSeries>& series) {
  double top = 0;
  for (const auto& s : series) {
    for (double v : s.values) top = std::max(top, v);
  }
  std::string out = "xychart-beta\n";
  out += fmt::format("  title \"{}\"\n", mermaid_text(title));
  std::string sizes;
  for (int mb : memory_mb) sizes += fmt::format("{}\"{}\"", sizes.empty() ? "" : ", ", mb);
  out += fmt::format("  x-axis \"Memory (MB)\" [{}]\n", sizes);
  out += fmt::format("  y-axis \"{}\" 0 --> {}\n", mermaid_text(y_title), axis_number(top > 0 ? top * 1.1 : 1));
  for (const auto& s : series) {
    std::string values;
    for (double v : s.values) values += fmt::format("{}{}", values.empty() ? "" : ", ", axis_number(v));
    out += fmt::format("  {} [{}]\n", s.kind, values);
  }
  return out;
}

std::string render_markdown(const ResultReport& r) {
  std::string out = fmt::format("### Memory tuning: {}\n\n", markdown_escape(r.function_label()));
  out += fmt::format("**Recommendation:** {}\n\n", markdown_escape(r.headline.empty() ? "no size recommended."
                                                                                          : r.headline));
  const bool pt = r.source == ResultSource::kPowerTuning;
  if (pt) {
    out += "| Memory | Average ms | $ per invocation | $ per 1M | |\n|---:|---:|---:|---:|:--|\n";
  } else {
    out += "| Memory | p50 ms | p95 ms | p99 ms | ±95% ms | $ per invocation | $ per 1M | |\n"
           "|---:|---:|---:|---:|---:|---:|---:|:--|\n";
  }
  std::vector<int> sizes;
  std::vector<double> p50, p95, per_million;
  for (const auto& s : r.sizes) {
    std::string note;
    if (r.recommended_mb == s.memory_mb) note = "**recommended**";
    else if (!s.feasible) note = "not usable: " + markdown_escape(s.infeasible_reason);
    else if (s.cpu_capped_by_host) note = "host gave less CPU than Lambda would";
    if (!s.measured()) {
      out += pt ? fmt::format("| {} | – | – | – | {} |\n", format_mb(s.memory_mb), note)
                : fmt::format("| {} | – | – | – | – | – | – | {} |\n", format_mb(s.memory_mb), note);
      continue;
    }
    const SampleStats& d = r.steady(s);
    if (pt) {
      out += fmt::format("| {} | {} | {} | {:.2f} | {} |\n", format_mb(s.memory_mb), format_ms(d.mean),
                         format_cost(s.cost_per_invocation), s.cost_per_million, note);
    } else {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {:.2f} | {} |\n", format_mb(s.memory_mb), format_ms(d.p50),
                         format_ms(d.p95), format_ms(d.p99), format_ms((d.ci95_high - d.ci95_low) / 2),
                         format_cost(s.cost_per_invocation), s.cost_per_million, note);
    }
    sizes.push_back(s.memory_mb);
    p50.push_back(d.p50);
    p95.push_back(d.p95);
    per_million.push_back(s.cost_per_million);
  }
  out += "\n";
  if (!sizes.empty()) {
    std::vector<MermaidSeries> durations = {{"line", p50}};
    if (!pt) durations.push_back({"line", p95});
    out += "```mermaid\n" +
           mermaid_xychart(pt ? "Average duration (ms)" : "Duration (ms): p50 and p95", "ms", sizes, durations) +
           "```\n\n";
    out += "```mermaid\n" + mermaid_xychart("Cost per 1M invocations ($)", "$ per 1M", sizes, {{"bar", per_million}}) +
           "```\n\n";
  }
  for (const auto& line : r.reasoning) out += "- " + markdown_escape(line) + "\n";
  for (const auto& line : r.warnings) out += "- ⚠ " + markdown_escape(line) + "\n";
  if (!r.reasoning.empty() || !r.warnings.empty()) out += "\n";
  out += parts_markdown(r);
  if (!r.visualization_url.empty()) {
    out += fmt::format("[Open the chart on lambda-power-tuning.show]({})\n\n", r.visualization_url);
  }
  out += fmt::format("<sub>{}{}</sub>\n", markdown_escape(r.backend),
                     r.num > 0 ? fmt::format(", {} invokes per size", r.num) : std::string());
  return out;
}

}  // namespace sweetspot::report
