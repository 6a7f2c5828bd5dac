#include "report/compare.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "report/html.h"
#include "report/markdown.h"
#include "report/text_format.h"

namespace sweetspot::report {

namespace {

double half_width(const SampleStats& s) { return (s.ci95_high - s.ci95_low) / 2; }

// Noise of a change between two runs: the half-widths of their 95% confidence
// intervals added, i.e. the change is beyond noise only when the intervals do
// not overlap (conservative; the same margin is applied to the percentiles,
// which have no interval of their own). A side without an interval leaves the
// verdict unknown.
MetricChange change(std::string metric, double old_value, double new_value, const SampleStats* old_stats,
                    const SampleStats* new_stats, double old_scale = 1, double new_scale = 1) {
  MetricChange c;
  c.metric = std::move(metric);
  c.old_value = old_value;
  c.new_value = new_value;
  if (!old_stats || !new_stats || old_stats->count < 2 || new_stats->count < 2) {
    c.verdict = Noise::kUnknown;
    return c;
  }
  c.noise = half_width(*old_stats) * old_scale + half_width(*new_stats) * new_scale;
  c.verdict = std::abs(new_value - old_value) > c.noise ? Noise::kBeyond : Noise::kWithin;
  return c;
}

std::vector<MetricChange> size_changes(const ResultReport& o, const SizeReport& a, const ResultReport& n,
                                       const SizeReport& b, bool averages_only) {
  std::vector<MetricChange> out;
  if (averages_only) {
    // Power Tuning's definitions on both sides: its averageDuration and averagePrice.
    out.push_back(change("avg", a.power_tuning_duration_ms, b.power_tuning_duration_ms, nullptr, nullptr));
    out.push_back(change("cost", a.power_tuning_cost, b.power_tuning_cost, nullptr, nullptr));
    return out;
  }
  const SampleStats& da = o.steady(a);
  const SampleStats& db = n.steady(b);
  for (double p : {50.0, 90.0, 95.0, 99.0}) {
    out.push_back(change(percentile_name(p), da.percentile(p), db.percentile(p), &da, &db));
  }
  out.push_back(change("avg", a.typical_ms, b.typical_ms, &da, &db));
  // Cost follows the billed duration: its interval, scaled from ms to dollars.
  const double scale_a = a.billed.trimmed_mean > 0 ? a.cost_per_invocation / a.billed.trimmed_mean : 0;
  const double scale_b = b.billed.trimmed_mean > 0 ? b.cost_per_invocation / b.billed.trimmed_mean : 0;
  out.push_back(change("cost", a.cost_per_invocation, b.cost_per_invocation, &a.billed, &b.billed, scale_a, scale_b));
  return out;
}

const MetricChange* find(const std::vector<MetricChange>& changes, std::string_view metric) {
  for (const auto& c : changes) {
    if (c.metric == metric) return &c;
  }
  return nullptr;
}

std::string value_text(const MetricChange& c) {
  return c.metric == "cost" ? format_cost(c.old_value) + " -> " + format_cost(c.new_value)
                            : format_ms(c.old_value) + " -> " + format_ms(c.new_value) + " ms";
}

// "+48.5%" beyond noise, "(+1.2%)" within it, "+1.2%?" unknown.
std::string change_cell(const MetricChange& c) {
  const std::string pct = format_change(c.change());
  switch (c.verdict) {
    case Noise::kBeyond: return pct;
    case Noise::kWithin: return "(" + pct + ")";
    case Noise::kUnknown: return pct + "?";
  }
  return pct;
}

const char* verdict_words(Noise n) {
  switch (n) {
    case Noise::kBeyond: return "beyond noise";
    case Noise::kWithin: return "within noise";
    case Noise::kUnknown: return "noise unknown";
  }
  return "";
}

std::string mb_or_none(const std::optional<int>& mb) { return mb ? format_mb(*mb) : "none"; }

std::vector<std::string> metric_names(const Comparison& c) {
  if (c.averages_only) return {"avg", "cost"};
  return {"p50", "p90", "p95", "p99", "avg", "cost"};
}

std::string recommendation_sentence(const Comparison& c) {
  if (!c.recommendation_moved()) return fmt::format("The recommendation stayed at {}.", mb_or_none(c.new_recommended));
  return fmt::format("The recommendation moved from {} to {}.", mb_or_none(c.old_recommended),
                     mb_or_none(c.new_recommended));
}

std::string check_sentence(const GateCheck& g) {
  return fmt::format("{}: {} ({}, {}), limit {} +{}%: {}", g.what, value_text(g.change), format_change(g.change.change()),
                     verdict_words(g.change.verdict), g.option, g.limit_percent, g.exceeded() ? "EXCEEDED" : "ok");
}

}  // namespace

bool Comparison::failed() const {
  return std::any_of(checks.begin(), checks.end(), [](const GateCheck& g) { return g.exceeded(); });
}

util::Result<Comparison> compare(const ResultReport& o, const ResultReport& n, const CompareOptions& options) {
  if (!o.function.empty() && !n.function.empty() && o.function != n.function) {
    return util::fail(fmt::format("{} is a result of \"{}\" but {} of \"{}\": compare two results of the same function",
                                  o.origin, o.function, n.origin, n.function));
  }
  Comparison c;
  c.function = !n.function.empty() ? n.function : o.function;
  c.old_origin = o.origin;
  c.new_origin = n.origin;
  c.old_recommended = o.recommended_mb;
  c.new_recommended = n.recommended_mb;
  c.averages_only = o.source == ResultSource::kPowerTuning || n.source == ResultSource::kPowerTuning;
  c.duration_basis = c.averages_only ? "avg" : percentile_name(options.percentile);

  std::set<int> all;
  for (const auto& s : o.sizes) all.insert(s.memory_mb);
  for (const auto& s : n.sizes) all.insert(s.memory_mb);
  bool any_common = false;
  for (int mb : all) {
    SizeComparison sc;
    sc.memory_mb = mb;
    const SizeReport* a = o.size(mb);
    const SizeReport* b = n.size(mb);
    sc.in_old = a && a->measured();
    sc.in_new = b && b->measured();
    if (sc.in_old && sc.in_new) {
      sc.changes = size_changes(o, *a, n, *b, c.averages_only);
      // The gate's percentile when it is not one of the columns (p75, p99.9).
      if (!c.averages_only && !find(sc.changes, c.duration_basis)) {
        const SampleStats& da = o.steady(*a);
        const SampleStats& db = n.steady(*b);
        sc.changes.insert(sc.changes.begin(), change(c.duration_basis, da.percentile(options.percentile),
                                                     db.percentile(options.percentile), &da, &db));
      }
      any_common = true;
    }
    c.sizes.push_back(std::move(sc));
  }
  if (!any_common) {
    return util::fail(fmt::format("{} and {} have no memory size measured in both: tune the same sizes (--memory) "
                                  "for both runs",
                                  o.origin, n.origin));
  }
  if (!options.max_cost_increase && !options.max_duration_increase) return c;
  if (!c.averages_only && options.percentile != 50 && options.percentile != 90 && options.percentile != 95 &&
      options.percentile != 99) {
    return util::fail(fmt::format("--percentile {}: a saved result holds p50, p90, p95 and p99; pick one of those",
                                  percentile_name(options.percentile)));
  }
  // Checked at the size the function runs at today (OLD's recommendation), else NEW's.
  if (o.recommended_mb) {
    c.gate_size = o.recommended_mb;
    c.gate_size_reason = "OLD's recommended size";
  } else if (n.recommended_mb) {
    c.gate_size = n.recommended_mb;
    c.gate_size_reason = "NEW's recommended size (OLD recommends none)";
  } else {
    return util::fail("neither result recommends a size, so there is no size to check the thresholds at");
  }
  const SizeComparison* at = nullptr;
  for (const auto& sc : c.sizes) {
    if (sc.memory_mb == *c.gate_size) at = &sc;
  }
  if (!at || at->changes.empty()) {
    return util::fail(fmt::format("the thresholds are checked at {} ({}), but {} did not measure it: tune that size "
                                  "in both runs",
                                  format_mb(*c.gate_size), c.gate_size_reason,
                                  at && at->in_old ? n.origin : o.origin));
  }
  if (options.max_duration_increase) {
    c.checks.push_back({fmt::format("{} duration", c.duration_basis), "--max-duration-increase",
                        *options.max_duration_increase, *find(at->changes, c.duration_basis)});
  }
  if (options.max_cost_increase) {
    c.checks.push_back({"cost per invocation", "--max-cost-increase", *options.max_cost_increase,
                        *find(at->changes, "cost")});
  }
  return c;
}

std::string render_comparison_text(const Comparison& c) {
  std::string out = fmt::format("Comparing {}: {} (old) -> {} (new){}\n\n", c.function.empty() ? "results" : c.function,
                                c.old_origin, c.new_origin,
                                c.averages_only ? "; a side is Power Tuning's, so averages and its cost definition" : "");
  const auto names = metric_names(c);
  out += fmt::format("  {:>9}", "memory");
  for (const auto& m : names) out += fmt::format(" {:>10}", m == "avg" ? "avg ms" : m == "cost" ? "$/call" : m);
  out += "\n";
  for (const auto& sc : c.sizes) {
    const char mark = c.gate_size == sc.memory_mb ? '>' : ' ';
    out += fmt::format("{} {:>9}", mark, format_mb(sc.memory_mb));
    if (sc.changes.empty()) {
      out += fmt::format("  {}\n", !sc.in_old && !sc.in_new ? "worked in neither run"
                                   : sc.in_old                ? "no successful invoke in the new run"
                                                              : "not measured in the old run");
      continue;
    }
    for (const auto& m : names) {
      const MetricChange* ch = find(sc.changes, m);
      out += fmt::format(" {:>10}", ch ? change_cell(*ch) : "-");
    }
    out += "\n";
  }
  out += "  changes: +12.3% beyond the noise of the two runs, (+1.2%) within it, ? no interval to tell\n\n";
  out += recommendation_sentence(c) + "\n";
  if (c.gate_size) {
    out += fmt::format("Gate at {} ({}):\n", format_mb(*c.gate_size), c.gate_size_reason);
    for (const auto& g : c.checks) out += "  " + check_sentence(g) + "\n";
    out += c.failed() ? "FAILED: a threshold was exceeded\n" : "passed\n";
  }
  return out;
}

std::string render_comparison_markdown(const Comparison& c) {
  std::string out = fmt::format("### Memory tuning compared: {}\n\n", markdown_escape(c.function.empty() ? "results"
                                                                                                           : c.function));
  if (c.gate_size) {
    out += fmt::format("**{}** at {} ({}).\n\n", c.failed() ? "❌ Threshold exceeded" : "✅ Within thresholds",
                       format_mb(*c.gate_size), markdown_escape(c.gate_size_reason));
    for (const auto& g : c.checks) out += "- " + markdown_escape(check_sentence(g)) + "\n";
    out += "\n";
  }
  out += markdown_escape(recommendation_sentence(c)) + "\n\n";
  const auto names = metric_names(c);
  out += "| Memory |";
  for (const auto& m : names) out += fmt::format(" {} |", m == "cost" ? "$ per invocation" : m + " ms");
  out += "\n|---:|";
  for (size_t i = 0; i < names.size(); ++i) out += "---:|";
  out += "\n";
  for (const auto& sc : c.sizes) {
    out += fmt::format("| {}{} |", format_mb(sc.memory_mb), c.gate_size == sc.memory_mb ? " (gate)" : "");
    if (sc.changes.empty()) {
      out += fmt::format(" {} |", sc.in_old ? "failed in new" : sc.in_new ? "new size" : "failed in both");
      for (size_t i = 1; i < names.size(); ++i) out += " |";
      out += "\n";
      continue;
    }
    for (const auto& m : names) {
      const MetricChange* ch = find(sc.changes, m);
      if (!ch) {
        out += " – |";
        continue;
      }
      const std::string values = m == "cost" ? format_cost(ch->old_value) + " → " + format_cost(ch->new_value)
                                             : format_ms(ch->old_value) + " → " + format_ms(ch->new_value);
      const std::string pct = format_change(ch->change());
      out += fmt::format(" {} {} |", values,
                         ch->verdict == Noise::kBeyond   ? "**" + pct + "**"
                         : ch->verdict == Noise::kWithin ? "(" + pct + ", noise)"
                                                         : "(" + pct + "?)");
    }
    out += "\n";
  }
  out += "\nBold: beyond the noise of the two runs (their 95% confidence intervals do not overlap).\n";
  out += fmt::format("\n<sub>old: {} · new: {}</sub>\n", markdown_escape(c.old_origin), markdown_escape(c.new_origin));
  return out;
}

namespace {

// The old and the new run's duration (the gate's basis) and cost per size, as
// two lines on one chart each, at the sizes both runs measured.
std::string comparison_charts(const Comparison& c) {
  ChartSeries old_ms{"old " + c.duration_basis, "before", {}}, new_ms{"new " + c.duration_basis, "p50", {}};
  ChartSeries old_cost{"old cost", "before", {}}, new_cost{"new cost", "cost", {}};
  for (const auto& sc : c.sizes) {
    if (const MetricChange* d = find(sc.changes, c.duration_basis)) {
      old_ms.points.emplace_back(sc.memory_mb, d->old_value);
      new_ms.points.emplace_back(sc.memory_mb, d->new_value);
    }
    if (const MetricChange* cost = find(sc.changes, "cost")) {
      old_cost.points.emplace_back(sc.memory_mb, cost->old_value * 1e6);
      new_cost.points.emplace_back(sc.memory_mb, cost->new_value * 1e6);
    }
  }
  const std::string basis = c.duration_basis == "avg" ? "Average" : c.duration_basis;
  return "<div class=\"charts\">" +
         series_chart("compare-duration", basis + " duration against memory, old and new", basis + " duration (ms)",
                      ValueUnit::kMilliseconds, {old_ms, new_ms}) +
         series_chart("compare-cost", "Cost per invocation against memory, old and new", "$ per 1M invocations",
                      ValueUnit::kDollars, {old_cost, new_cost}) +
         "</div>";
}

}  // namespace

std::string render_comparison_html(const Comparison& c) {
  std::string body = fmt::format("<header><h1>Memory tuning compared: {}</h1><p class=\"meta\">old: {} · new: {}</p></header>",
                                 html_escape(c.function.empty() ? "results" : c.function), html_escape(c.old_origin),
                                 html_escape(c.new_origin));
  body += "<section class=\"recommendation\" id=\"verdict\">";
  if (c.gate_size) {
    body += fmt::format("<p><strong>{}</strong> at {} ({}).</p><ul>", c.failed() ? "Threshold exceeded" : "Within thresholds",
                        format_mb(*c.gate_size), html_escape(c.gate_size_reason));
    for (const auto& g : c.checks) {
      body += fmt::format("<li class=\"{}\">{}</li>", g.exceeded() ? "bad" : "ok", html_escape(check_sentence(g)));
    }
    body += "</ul>";
  }
  body += "<p>" + html_escape(recommendation_sentence(c)) + "</p></section>";
  body += comparison_charts(c);
  const auto names = metric_names(c);
  body += "<h2>Changes per size</h2><div class=\"scroll\"><table id=\"changes\"><thead><tr><th scope=\"col\">Memory</th>";
  for (const auto& m : names) body += "<th scope=\"col\">" + html_escape(m == "cost" ? "$ per invocation" : m + " ms") + "</th>";
  body += "</tr></thead><tbody>";
  for (const auto& sc : c.sizes) {
    body += fmt::format("<tr data-memory=\"{}\"{}><th scope=\"row\">{}</th>", sc.memory_mb,
                        c.gate_size == sc.memory_mb ? " class=\"recommended\"" : "", format_mb(sc.memory_mb));
    if (sc.changes.empty()) {
      body += fmt::format("<td colspan=\"{}\">{}</td></tr>", names.size(),
                          sc.in_old ? "no successful invoke in the new run" : sc.in_new ? "not measured in the old run"
                                                                                         : "worked in neither run");
      continue;
    }
    for (const auto& m : names) {
      const MetricChange* ch = find(sc.changes, m);
      if (!ch) {
        body += "<td>–</td>";
        continue;
      }
      const char* cls = ch->verdict != Noise::kBeyond ? "noise" : ch->change() > 0 ? "worse" : "better";
      body += fmt::format("<td class=\"{}\" title=\"{}\">{}<br><small>{}</small></td>", cls,
                          html_escape(verdict_words(ch->verdict)), html_escape(format_change(ch->change())),
                          html_escape(value_text(*ch)));
    }
    body += "</tr>";
  }
  body += "</tbody></table></div><footer><p>A change is beyond noise when the two runs' 95% confidence intervals "
          "do not overlap; within it, the difference may be chance.</p></footer>";
  body += "<style>td.worse{color:var(--bad);font-weight:600}td.better{color:var(--cost);font-weight:600}"
          "td.noise{color:var(--muted)}li.bad{color:var(--bad)}</style>";
  return html_page("sweetspot compare: " + (c.function.empty() ? std::string("results") : c.function), body);
}

}  // namespace sweetspot::report
