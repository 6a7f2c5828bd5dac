// Range checks of a function's configuration, shared by the template reader (which
// names the template key) and the command-line overrides (which name the flag).
// Each returns what is wrong, or nothing when the value is valid.
#pragma once

#include <optional>
#include <string>

#include "engine/lambda_limits.h"

namespace sweetspot::engine {

inline std::optional<std::string> memory_problem(double mb) {
  if (mb != static_cast<long long>(mb) || !valid_memory_mb(static_cast<long long>(mb))) {
    return "memory must be a whole number of MB from 128 to 10240";
  }
  return std::nullopt;
}

inline std::optional<std::string> timeout_problem(double seconds) {
  if (!(seconds >= kMinTimeoutS && seconds <= kMaxTimeoutS)) return "timeout must be from 1 to 900 seconds";
  return std::nullopt;
}

inline std::optional<std::string> tmp_problem(double mb) {
  if (mb != static_cast<long long>(mb) || mb < kMinTmpMb || mb > kMaxTmpMb) {
    return "ephemeral storage (/tmp) must be a whole number of MB from 512 to 10240";
  }
  return std::nullopt;
}

}  // namespace sweetspot::engine
