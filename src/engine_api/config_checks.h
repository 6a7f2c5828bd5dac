// Range checks of a function's configuration, shared by the template reader (which
// names the template key) and the command-line overrides (which name the flag).
// Each returns what is wrong, or nothing when the value is valid.
#pragma once

#include <cmath>
#include <optional>
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "engine_api/lambda_limits.h"

namespace sweetspot::engine_api {

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

// Names Lambda's API refuses in a function's environment: it sets them itself
// (AWS docs, "Reserved environment variables"). TZ, LANG, PATH, LD_LIBRARY_PATH,
// NODE_PATH and PYTHONPATH are not among them: a function may set those.
inline constexpr std::array<std::string_view, 18> kReservedEnvironmentVariables = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR"};

// A function's own environment variable name, as Lambda's API checks it: the key
// pattern [a-zA-Z][a-zA-Z0-9_]+, then the reserved names.
inline std::optional<std::string> environment_variable_problem(std::string_view name) {
  if (std::find(kReservedEnvironmentVariables.begin(), kReservedEnvironmentVariables.end(), name) !=
      kReservedEnvironmentVariables.end()) {
    return "is reserved: Lambda sets it itself and its API refuses a function configuration that sets it";
  }
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto word = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; };
  if (name.size() < 2 || !letter(name[0]) || !std::all_of(name.begin() + 1, name.end(), word)) {
    return "is not a name Lambda accepts: a letter, then at least one letter, digit or underscore "
           "([a-zA-Z][a-zA-Z0-9_]+)";
  }
  return std::nullopt;
}

}  // namespace sweetspot::engine_api
