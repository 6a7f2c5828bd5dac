// --md: a summary for a pull-request comment. GitHub renders its Mermaid
// xychart-beta blocks as charts, so the curve shows without attachments.
#pragma once

#include <string>
#include <string_view>

#include "report/result_model.h"

namespace sweetspot::report {

// The recommendation in one sentence, a table of the sizes, two Mermaid
// xychart-beta blocks (duration p50/p95 and cost per million against memory,
// measured sizes only: a chart has one y axis) and the lambda-power-tuning.show link.
std::string render_markdown(const ResultReport& result);

// Text from a result made inert in Markdown (and in a table cell): Markdown's
// punctuation and HTML's < > & are escaped, line breaks become spaces.
std::string markdown_escape(std::string_view text);

// The Mermaid xychart-beta lines for one series (no fence); used by compare too.
struct MermaidSeries {
  std::string kind;  // "line" or "bar"
  std::vector<double> values;
};
std::string mermaid_xychart(std::string_view title, std::string_view y_title, const std::vector<int>& memory_mb,
                            const std::vector<MermaidSeries>& series);

}  // namespace sweetspot::report
