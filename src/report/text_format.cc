#include "report/text_format.h"

#include <cmath>

#include <fmt/format.h>

#include "util/strings.h"

namespace sweetspot::report {

std::string format_ms(double ms) {
  if (!std::isfinite(ms) || std::abs(ms) >= 1e15) return fmt::format("{:.3g}", ms);
  if (std::abs(ms) >= 1000) return util::with_thousands(std::llround(ms));
  return fmt::format("{:.1f}", ms);
}

std::string format_usd(double usd, int significant) {
  if (usd == 0) return "$0";
  if (usd >= 0.01) return fmt::format("${:.2f}", usd);
  // Fixed notation with `significant` digits: people compare "$0.0000166667"
  // with a price page more easily than "1.67e-05".
  const int decimals = significant - 1 - static_cast<int>(std::floor(std::log10(usd)));
  std::string text = fmt::format("{:.{}f}", usd, decimals);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return "$" + text;
}

std::string format_cost(double usd) {
  // Saved results are outside input: format_usd expects a positive amount.
  if (!(usd > 0) || !std::isfinite(usd)) return usd == 0 ? "$0" : fmt::format("${:.3g}", usd);
  return format_usd(usd, 3);
}

std::string format_mb(int memory_mb) { return util::with_thousands(memory_mb) + " MB"; }

std::string format_change(double fraction) { return fmt::format("{:+.1f}%", fraction * 100); }

std::string percentile_name(double p) { return fmt::format("p{}", p); }

}  // namespace sweetspot::report
