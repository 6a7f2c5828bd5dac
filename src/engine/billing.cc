#include "engine/billing.h"

#include <cmath>

namespace sweetspot::engine {

int64_t billed_duration_ms(double duration_ms, std::optional<double> init_duration_ms) {
  const double total = duration_ms + init_duration_ms.value_or(0.0);
  // Durations are measured in microseconds: round first so that 2.0000000001 ms
  // from float arithmetic does not bill 3 ms.
  const double us = std::round(total * 1000.0);
  return static_cast<int64_t>(std::ceil(us / 1000.0));
}

int bytes_to_reported_mb(int64_t bytes) {
  constexpr int64_t kMiB = 1024 * 1024;
  return static_cast<int>((bytes + kMiB - 1) / kMiB);
}

}  // namespace sweetspot::engine
