#include "report/text_format.h"

#include <cmath>

#include <fmt/format.h>

#include "tuner/explain.h"
#include "util/strings.h"

namespace sweetspot::report {

std::string format_ms(double ms) {
  if (!std::isfinite(ms) || std::abs(ms) >= 1e15) return fmt::format("{:.3g}", ms);
  if (std::abs(ms) >= 1000) return util::with_thousands(std::llround(ms));
  return fmt::format("{:.1f}", ms);
}

std::string format_cost(double usd) {
  // Saved results are outside input: format_usd expects a positive amount.
  if (!(usd > 0) || !std::isfinite(usd)) return usd == 0 ? "$0" : fmt::format("${:.3g}", usd);
  return tuner::format_usd(usd, 3);
}

std::string format_mb(int memory_mb) { return util::with_thousands(memory_mb) + " MB"; }

std::string format_change(double fraction) { return fmt::format("{:+.1f}%", fraction * 100); }

std::string percentile_name(double p) { return fmt::format("p{}", p); }

}  // namespace sweetspot::report
