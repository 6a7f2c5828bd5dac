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

#include "report/result_model.h"

namespace sweetspot::report {

std::string render_html(const ResultReport& result);

// Text made safe in HTML content and in quoted attribute values.
std::string html_escape(std::string_view text);

// Shared with the compare page: the page's <head> (CSP, style) and frame.
std::string html_page(std::string_view title, std::string_view body);

}  // namespace sweetspot::report
