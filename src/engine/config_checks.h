// Range checks of a function's configuration, shared by the template reader (which
// names the template key) and the command-line overrides (which name the flag).
// Each returns what is wrong, or nothing when the value is valid.
#pragma once

#include <cmath>
#include <optional>
#include <string>

#include "engine/lambda_limits.h"

namespace sweetspot::engine {

// Range first: converting a double outside long long's range (1e30, NaN) is undefined.
inline bool whole_number_in(double value, double low, double high) {
  return value >= low && value <= high && value == std::trunc(value);
}

inline std::optional<std::string> memory_problem(double mb) {
  if (!whole_number_in(mb, kMinMemoryMb, kMaxMemoryMb)) {
    return "memory must be a whole number of MB from 128 to 10240";
  }
  return std::nullopt;
}

inline std::optional<std::string> timeout_problem(double seconds) {
  if (!(seconds >= kMinTimeoutS && seconds <= kMaxTimeoutS)) return "timeout must be from 1 to 900 seconds";
  return std::nullopt;
}

inline std::optional<std::string> tmp_problem(double mb) {
  if (!whole_number_in(mb, kMinTmpMb, kMaxTmpMb)) {
    return "ephemeral storage (/tmp) must be a whole number of MB from 512 to 10240";
  }
  return std::nullopt;
}

}  // namespace sweetspot::engine
