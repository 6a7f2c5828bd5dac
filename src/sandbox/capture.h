// Running a helper program to ask it something (which interpreter a pyenv shim
// runs, a runtime's version) without a shell: argv as given, its stdout read up
// to a limit, its stderr discarded, killed when it takes too long.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "sandbox/process.h"
#include "util/error.h"

namespace sweetspot::sandbox {

struct CapturedOutput {
  ExitStatus status;
  std::string out;         // at most the limit's bytes
  bool timed_out = false;  // killed at the time limit
};

struct CaptureLimits {
  std::size_t max_bytes = 64 * 1024;
  std::chrono::milliseconds time{std::chrono::seconds(10)};
};

// argv[0] is found on the caller's PATH. The caller's environment is passed on.
// An error only when the program cannot be started.
util::Result<CapturedOutput> capture_output(const std::vector<std::string>& argv, CaptureLimits limits = {});

// The first line `argv` prints when it exits 0 in time; empty otherwise.
std::string first_line_of_output(const std::vector<std::string>& argv);

}  // namespace sweetspot::sandbox
