// How Lambda turns measured time into billed time (FACTS.md, "Billing").
#pragma once

#include <cstdint>
#include <optional>

namespace sweetspot::engine {

// Billed duration in ms: the duration rounded up to the next millisecond; a cold
// invoke also bills its init phase (on-demand functions since 2025-08-01).
int64_t billed_duration_ms(double duration_ms, std::optional<double> init_duration_ms);

// Whole megabytes as REPORT prints Max Memory Used: partial megabytes count.
int bytes_to_reported_mb(int64_t bytes);

}  // namespace sweetspot::engine
