// Numbers as every report prints them, so the terminal, Markdown, HTML and CSV
// agree digit for digit.
#pragma once

#include <string>

namespace sweetspot::report {

// "812 ms" style without the unit: one decimal below 1,000, then whole
// milliseconds with thousands separators.
std::string format_ms(double ms);
// Money for people: "$2.08" from a cent up, else fixed notation with
// `significant` digits ("$0.0000934"); `usd` is 0 or positive.
std::string format_usd(double usd, int significant = 3);
// Dollars per invocation: "$0.0000021" (3 significant digits).
std::string format_cost(double usd);
// "1,024 MB"
std::string format_mb(int memory_mb);
// "+12.3%" / "-4.0%"
std::string format_change(double fraction);
// "p95", "p99.9"
std::string percentile_name(double p);

}  // namespace sweetspot::report
