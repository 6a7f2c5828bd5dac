// --csv: one row per size with every statistic, for spreadsheets and scripts.
#pragma once

#include <string>
#include <string_view>

#include "report/result_model.h"

namespace sweetspot::report {

// RFC 4180: CRLF line ends, a header row, a field quoted (and its quotes
// doubled) when it holds a comma, a quote or a line break. Numbers are written
// with full precision; an unmeasured statistic is an empty field.
std::string render_csv(const ResultReport& result);

// One field, quoted when RFC 4180 needs it.
std::string csv_field(std::string_view value);

}  // namespace sweetspot::report
