// Starting a runtime process inside an execution environment's sandbox, and
// waiting for it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace sweetspot::sandbox {

struct ExitStatus {
  enum class Kind { kExited, kSignaled };
  Kind kind = Kind::kExited;
  int value = 0;  // exit code or signal number
  // "exit status 3" / "signal: killed" — the wording Lambda uses in Runtime.ExitError.
  std::string describe() const;
};

enum class TmpIsolation {
  kShared,   // the process sees the host's /tmp (only with --no-limits)
  kPrivate,  // a new mount namespace with its own tmpfs on /tmp
};

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program to execute
  std::vector<std::string> env;   // "KEY=VALUE", the whole environment
  std::filesystem::path cwd;
  const Cgroup* cgroup = nullptr;  // joined before exec, so every child is inside
  TmpIsolation tmp = TmpIsolation::kPrivate;
  int64_t tmp_bytes = 512ll << 20;  // size of the private /tmp
  int max_open_files = 1024;        // RLIMIT_NOFILE
  int stdout_fd = -1;               // dup2'd onto 1 and 2; -1 inherits
  int stderr_fd = -1;
};

class Process {
 public:
  // Forks, sets the child up (new session, signals unblocked, cgroup joined,
  // mount namespace and /tmp, rlimits, cwd) and execs. Any failure before exec
  // comes back as an error naming the step; the child is then already reaped.
  static Result<Process> spawn(const SpawnOptions& options);

  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();  // SIGKILLs and reaps a child still running

  pid_t pid() const { return pid_; }
  // Blocks until the process exits; later calls return the same status.
  ExitStatus wait();
  std::optional<ExitStatus> try_wait();
  void kill(int signo);

 private:
  Process(pid_t pid, util::UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  pid_t pid_ = -1;
  util::UniqueFd pidfd_;
  std::optional<ExitStatus> status_;
};

}  // namespace sweetspot::sandbox
