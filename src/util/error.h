// Errors of the lower layers travel as values (std::expected); the command line
// turns the one that ends a command into util::Fatal, caught once in main.
#pragma once

#include <expected>
#include <stdexcept>
#include <string>
#include <utility>

namespace sweetspot::util {

// What kind of failure, so that the command line can answer with the right exit
// status without reading messages.
enum class ErrorKind {
  kBadInput,  // the user's input or function cannot be run as given
  kHost,      // this host cannot do it (cgroups, namespaces, permissions)
  kInternal,  // a bug in sweetspot
};

struct Error {
  std::string message;
  ErrorKind kind = ErrorKind::kBadInput;
};

template <typename T>
using Result = std::expected<T, Error>;

// The error as a value, ready to return from a function that yields a Result.
inline std::unexpected<Error> fail(std::string message, ErrorKind kind = ErrorKind::kBadInput) {
  return std::unexpected(Error{std::move(message), kind});
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
  kInternal = 70,      // a bug in sweetspot (EX_SOFTWARE)
  kInterrupted = 130,
};

inline ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadInput: return ExitCode::kUsage;
    case ErrorKind::kHost: return ExitCode::kEnvironment;
    case ErrorKind::kInternal: return ExitCode::kInternal;
  }
  return ExitCode::kUsage;
}

// The same error, marked as the host's (e.g. a cgroup that cannot be created).
inline Error host_error(Error error) {
  error.kind = ErrorKind::kHost;
  return error;
}

// The one exception type: thrown by the command layer, caught once in main.
class Fatal : public std::runtime_error {
 public:
  explicit Fatal(std::string message, ExitCode code = ExitCode::kUsage)
      : std::runtime_error(std::move(message)), code_(code) {}
  // The exit status follows the error's kind.
  explicit Fatal(const Error& error) : std::runtime_error(error.message), code_(exit_code_for(error.kind)) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Unwraps a Result or throws Fatal with its message, exiting as its kind says.
template <typename T>
T value_or_throw(Result<T> result) {
  if (!result) throw Fatal(result.error());
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}
template <typename T>
T value_or_throw(Result<T> result, ExitCode code) {
  if (!result) throw Fatal(std::move(result.error().message), code);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace sweetspot::util
