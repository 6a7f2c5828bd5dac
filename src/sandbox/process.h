// Starting a runtime process inside an execution environment's sandbox, and
// waiting for it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/filesystem_view.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/unique_fd.h"

namespace sweetspot::sandbox {

struct ExitStatus {
  enum class Kind { kExited, kSignaled };
  Kind kind = Kind::kExited;
  int value = 0;  // exit code or signal number
  bool core_dumped = false;
  // "exit status 3" / "signal: killed" — the wording Lambda uses in Runtime.ExitError
  // ("Runtime exited with error: signal: killed"): the wording of Go's
  // os.ProcessState.String(), which Lambda's messages carry.
  std::string describe() const;
};

enum class TmpIsolation {
  kShared,   // the process sees the host's /tmp (only with --no-limits)
  kPrivate,  // a new mount namespace with its own tmpfs on /tmp
};

struct SpawnOptions {
  // argv[0] is the program to execute. Without a slash it is looked up, before the
  // child starts, in the PATH of `env` (or /usr/local/bin:/usr/bin:/bin when env has none),
  // like execvp; with a slash, a relative path is relative to `cwd`.
  std::vector<std::string> argv;
  std::vector<std::string> env;   // "KEY=VALUE", the whole environment
  std::filesystem::path cwd;  // empty: the caller's
  const Cgroup* cgroup = nullptr;  // joined before exec, so every child is inside
  TmpIsolation tmp = TmpIsolation::kPrivate;
  int64_t tmp_bytes = 512ll << 20;  // size of the private /tmp
  int max_open_files = 1024;        // RLIMIT_NOFILE, soft and hard; 0 leaves it
  int stdout_fd = -1;               // dup2'd onto 1; -1 inherits
  int stderr_fd = -1;               // dup2'd onto 2; -1 inherits
  int stdin_fd = -1;                // dup2'd onto 0; -1 means /dev/null
  // With kPrivate only: what the process sees of the filesystem (absent: the
  // host's, with only /tmp replaced).
  std::optional<FilesystemView> view;
  // Every other descriptor is closed in the child.
};

// Thread safety: kill() may be called from any thread at any time, also while
// another thread blocks in wait() (it signals through the pidfd, which never
// reaches a recycled pid). wait(), try_wait(), moves and destruction must not
// run concurrently with each other.
class Process {
 public:
  // Starts a child (sharing this process's memory until its exec, as vfork does;
  // the calling thread waits meanwhile), sets it up (new session, signals
  // unblocked and default, cgroup joined, mount namespace and private /tmp (as
  // non-root: in a user namespace), RLIMIT_NOFILE, cwd, stdio, other fds closed)
  // and execs; the caller's own directory, limits, signals and descriptors stay
  // as they were. Any failure before exec
  // comes back as an error naming the step, e.g. "cannot mount the private /tmp:
  // Operation not permitted"; the child is then already reaped. While the child
  // lives, an interrupt (util::CleanupHook) SIGKILLs it and its process group.
  static Result<Process> spawn(const SpawnOptions& options);

  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();  // SIGKILLs (with its process group) and reaps a child still running

  pid_t pid() const { return pid_; }
  // When the child called execve: the program's start, as the child's own clock
  // read it (the parent may resume later on a loaded host).
  util::Clock::time_point executed_at() const { return executed_at_; }
  // Readable once the process has exited (for a poll loop); -1 once reaped.
  int pidfd() const { return status_ ? -1 : pidfd_.get(); }
  // Blocks until the process exits; later calls return the same status.
  ExitStatus wait();
  std::optional<ExitStatus> try_wait();
  void kill(int signo);

 private:
  Process(pid_t pid, util::UniqueFd pidfd, util::Clock::time_point executed_at);
  void reaped(ExitStatus status);
  void end_child();
  pid_t pid_ = -1;
  util::UniqueFd pidfd_;
  util::Clock::time_point executed_at_;
  std::optional<ExitStatus> status_;
  std::unique_ptr<util::CleanupHook> cleanup_;  // until reaped
};

}  // namespace sweetspot::sandbox
