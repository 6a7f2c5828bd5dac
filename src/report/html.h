// --html: one self-contained page a person opens from disk, offline.
//
// Charts are inline SVG drawn here rather than an embedded charting library
// (Debian's chart.js, npm's uplot): the page then needs no script at all, so it
// renders where scripts are blocked (CI artifact viewers and mail clients serve
// HTML under a script-forbidding Content-Security-Policy; the page sets one
// itself, so nothing can load from the network), it weighs kilobytes rather
// than the ~200 KB of a library per report, and what it draws (a log memory
// axis, a p5-p95 band, the Pareto front, host-capped and infeasible markers,
// the model's curve) is a few lines each. Hover (and keyboard focus) shows a
// point's numbers through CSS alone.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/result_model.h"

namespace sweetspot::report {

std::string render_html(const ResultReport& result);

// Text made safe in HTML content and in quoted attribute values.
std::string html_escape(std::string_view text);

// Shared with the compare page: the page's <head> (CSP, style) and frame.
std::string html_page(std::string_view title, std::string_view body);

// One line per series of values over memory sizes, on the report's axes and
// styles (the compare page draws its old and new runs with it). `css_class`
// picks the colour: "p50", "cold", "cost", "model", or "before" (a compared run's old side).
struct ChartSeries {
  std::string name;       // legend text; data-series of its points
  std::string css_class;
  std::vector<std::pair<int, double>> points;  // (memory MB, value)
};
enum class ValueUnit { kMilliseconds, kDollars };
std::string series_chart(std::string_view id, std::string_view caption, std::string_view y_title, ValueUnit unit,
                         const std::vector<ChartSeries>& series);

}  // namespace sweetspot::report
