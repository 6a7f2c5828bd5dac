// The result at a glance in a terminal: one row per size, a bar for its
// duration and one for its cost, and the lambda-power-tuning.show link.
#pragma once

#include <string>

#include "report/result_model.h"

namespace sweetspot::report {

// Rows of "  512 MB  <duration bar> 201 ms  <cost bar> $0.0000034", bars scaled
// to the largest value (block characters, eighths of a cell). '*' marks the
// recommended size, '!' a size that is not usable, '~' one the host capped.
std::string render_terminal_chart(const ResultReport& result, int bar_width = 24);

// The sizes as a plain table (for `sweetspot report`, which has no TuneResult).
std::string render_terminal_table(const ResultReport& result);

// Headline, reasons, warnings, table, chart and link: what `sweetspot report`
// prints for a saved result.
std::string render_terminal_summary(const ResultReport& result);

}  // namespace sweetspot::report
