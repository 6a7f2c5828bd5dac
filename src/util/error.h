// Errors of the lower layers travel as values (std::expected); the command line
// turns the one that ends a command into util::Fatal, caught once in main.
#pragma once

#include <expected>
#include <stdexcept>
#include <string>
#include <utility>

namespace sweetspot::util {

struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// The error as a value, ready to return from a function that yields a Result.
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

// `what` followed by strerror(errno), read at the call.
Error errno_error(std::string_view what);
inline std::unexpected<Error> fail_errno(std::string_view what) {
  return std::unexpected(errno_error(what));
}

// Exit statuses, as documented in `sweetspot --help`.
enum class ExitCode : int {
  kOk = 0,
  kFunctionError = 1,  // an invoke ended in a function error
  kUsage = 2,          // bad input: the message names it and what to do
  kEnvironment = 3,    // the host cannot do what was asked (permissions, cgroups)
  kInterrupted = 130,
};

// The one exception type: thrown by the command layer, caught once in main.
class Fatal : public std::runtime_error {
 public:
  explicit Fatal(std::string message, ExitCode code = ExitCode::kUsage)
      : std::runtime_error(std::move(message)), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Unwraps a Result or throws Fatal with its message.
template <typename T>
T value_or_throw(Result<T> result, ExitCode code = ExitCode::kUsage) {
  if (!result) throw Fatal(std::move(result.error().message), code);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace sweetspot::util
