// Process::spawn and the child's set-up between clone and exec. Everything the child
// needs (paths, argv, envp, mount options, messages) is prepared before the clone:
// the child shares a multi-threaded parent's memory (see start_child), so it
// makes async-signal-safe calls only and allocates nothing.
#include "sandbox/process.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include <sanitizer/asan_interface.h>  // a no-op unless built with AddressSanitizer

#include "sandbox/program_search.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;

// Direct syscalls: glibc 2.36's <sys/pidfd.h> lacks extern "C" and does not link from C++.
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_send_signal(int pidfd, int signo) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0)); }

// What the child reports to the parent through a CLOEXEC pipe, one record at a
// time: the step that failed, or kExecuting with the moment it execs (end of
// file after that means exec succeeded).
enum class Step : int {
  kExecuting,  // not a failure: `at` is when the child called execve
  kSession,
  kSignals,
  kJoinCgroup,  // `index` names the join file
  kNamespace,
  kUserNamespace,
  kUidMap,
  kPrivateMounts,
  kCloneMount,   // `index` names the mount (mounts, then the merged source, then kept_in_tmp)
  kOverlay,
  kScratch,      // `index` names the scratch dir
  kMountPoint,   // `index` names the mount
  kAttach,       // `index` names the mount
  kReadOnly,
  kMountTmp,
  kRlimit,
  kChdir,
  kStdio,
  kCloseFds,
  kExec,
};

struct ChildReport {
  Step step;
  int index;
  int error;
  struct timespec at;  // kExecuting: CLOCK_MONOTONIC (util::Clock's) just before execve
};

// Everything the child touches, built before the clone.
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::vector<std::string> join_files;
  std::string cwd;
  bool private_tmp = false;
  std::string tmp_options;
  // The filesystem view (see filesystem_view.h), flattened for the child.
  struct Clone {
    std::string source;
    std::string target;
    bool make_target = false;  // a directory made in a scratch dir, or (kept) in the new /tmp
    bool after_tmp = false;    // kept_in_tmp: attached inside the private /tmp
    std::vector<std::string> tmp_parents;  // kept_in_tmp: directories to make first, outermost first
  };
  bool has_view = false;
  std::vector<Clone> clones;
  std::vector<int> clone_fds;  // sized before the clone: the child allocates nothing
  std::vector<std::string> scratch_dirs;
  std::vector<std::string> empty_dirs;
  std::string overlay_target;
  std::string overlay_options;
  bool read_only_host = false;
  std::string uid_map;
  std::string gid_map;
  rlim_t max_open_files = 0;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

std::string path_of(const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    if (entry.starts_with("PATH=")) return entry.substr(5);
  }
  return std::string(kDefaultPath);
}

// execvp's search, done in the parent so the child needs no allocation.
Result<std::string> resolve_program(const SpawnOptions& options) {
  const std::string& name = options.argv.front();
  if (name.empty()) return util::fail("cannot start a process: the program name is empty");
  if (name.find('/') != std::string::npos) return name;
  const std::string path = path_of(options.env);
  if (auto found = find_program(name, path, options.cwd)) return found->string();
  return util::fail("cannot find the program '" + name + "' in PATH (" + path + ")");
}

std::string describe_step(const ChildReport& failure, const ChildPlan& plan, const SpawnOptions& options) {
  switch (failure.step) {
    case Step::kSession: return "cannot start a new session";
    case Step::kSignals: return "cannot reset the signal mask";
    case Step::kJoinCgroup:
      return "cannot join the cgroup (" +
             (failure.index >= 0 && static_cast<size_t>(failure.index) < plan.join_files.size()
                  ? plan.join_files[static_cast<size_t>(failure.index)]
                  : std::string("?")) +
             ")";
    case Step::kNamespace: return "cannot create a mount namespace for the private /tmp";
    case Step::kUserNamespace: return "cannot create a user namespace for the private /tmp (not running as root)";
    case Step::kUidMap: return "cannot map the user into the namespace of the private /tmp";
    case Step::kPrivateMounts: return "cannot make the mounts of the new namespace private";
    case Step::kCloneMount:
    case Step::kMountPoint:
    case Step::kAttach: {
      if (failure.index < 0 || static_cast<size_t>(failure.index) >= plan.clones.size()) return "cannot mount";
      const auto& clone = plan.clones[static_cast<size_t>(failure.index)];
      const char* what = failure.step == Step::kCloneMount ? "cannot reach " : failure.step == Step::kMountPoint
                                                                                   ? "cannot make the mount point for "
                                                                                   : "cannot attach ";
      return what + clone.source + " (to be mounted read-only at " + clone.target + ")";
    }
    case Step::kOverlay: return "cannot merge the layers at " + plan.overlay_target + " (overlayfs)";
    case Step::kScratch:
      return "cannot mount an empty tmpfs at " +
             (failure.index >= 0 && static_cast<size_t>(failure.index) < plan.scratch_dirs.size()
                  ? plan.scratch_dirs[static_cast<size_t>(failure.index)]
                  : std::string("?"));
    case Step::kReadOnly: return "cannot make the host's filesystem read-only in the new namespace";
    case Step::kMountTmp: return "cannot mount the private /tmp";
    case Step::kRlimit: return "cannot set the open-file limit to " + std::to_string(options.max_open_files);
    case Step::kChdir: return "cannot change directory to " + plan.cwd;
    case Step::kStdio: return "cannot set up stdin/stdout/stderr";
    case Step::kCloseFds: return "cannot close inherited file descriptors";
    case Step::kExec: return "cannot execute " + plan.program;
    case Step::kExecuting: break;  // not a failure
  }
  return "cannot start the process";
}

// --- In the child: async-signal-safe calls only, no allocation. ---

[[noreturn]] void child_fail(int report_fd, Step step, int index = 0) {
  const ChildReport failure{step, index, errno, {}};
  ssize_t ignored = ::write(report_fd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

bool write_all(const char* path, const std::string& text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Onto `target`, without losing it when `fd` happens to be `target` already.
bool install_fd(int fd, int target) {
  if (fd == target) return ::fcntl(fd, F_SETFD, 0) == 0;
  return ::dup2(fd, target) == target;
}

int clone_tree(const char* path) {
  return static_cast<int>(::open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
}

bool make_read_only(int tree_fd, const char* path, unsigned flags) {
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  return ::mount_setattr(tree_fd, path, flags | AT_RECURSIVE, &attr, sizeof attr) == 0;
}

bool attach(int tree_fd, const char* target) {
  return ::move_mount(tree_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) == 0;
}

// The new mount namespace (as non-root: in a user namespace too) and, when the
// plan has a view, everything of it that must be built while the host's paths
// are still visible: clones of the sources (also those under the host's /tmp),
// the merged layers, the scratch dirs and the mounts in them.
void enter_namespace(ChildPlan& plan, int report) {
  if (::unshare(CLONE_NEWNS) != 0) {
    if (errno != EPERM) child_fail(report, Step::kNamespace);
    // Not privileged: a user namespace, where we own the mount namespace too.
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) child_fail(report, Step::kUserNamespace);
    if (!write_all("/proc/self/setgroups", "deny") || !write_all("/proc/self/uid_map", plan.uid_map) ||
        !write_all("/proc/self/gid_map", plan.gid_map)) {
      child_fail(report, Step::kUidMap);
    }
  }
  // Without this, our mounts would propagate back to the host's mount namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) child_fail(report, Step::kPrivateMounts);
  if (!plan.has_view) return;
  for (size_t i = 0; i < plan.clones.size(); ++i) {
    const int fd = clone_tree(plan.clones[i].source.c_str());
    if (fd < 0 || !make_read_only(fd, "", AT_EMPTY_PATH)) child_fail(report, Step::kCloneMount, static_cast<int>(i));
    plan.clone_fds[i] = fd;
  }
  if (!plan.overlay_target.empty() &&
      ::mount("overlay", plan.overlay_target.c_str(), "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV,
              plan.overlay_options.c_str()) != 0) {
    child_fail(report, Step::kOverlay);
  }
  for (size_t i = 0; i < plan.scratch_dirs.size(); ++i) {
    if (::mount("tmpfs", plan.scratch_dirs[i].c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") != 0) {
      child_fail(report, Step::kScratch, static_cast<int>(i));
    }
  }
  for (const std::string& dir : plan.empty_dirs) ::mkdir(dir.c_str(), 0755);
  for (size_t i = 0; i < plan.clones.size(); ++i) {
    const auto& clone = plan.clones[i];
    if (clone.after_tmp) continue;
    if (clone.make_target && ::mkdir(clone.target.c_str(), 0755) != 0 && errno != EEXIST) {
      child_fail(report, Step::kMountPoint, static_cast<int>(i));
    }
    if (!attach(plan.clone_fds[i], clone.target.c_str())) child_fail(report, Step::kAttach, static_cast<int>(i));
  }
}

// After the cgroup is joined (its join files are on a mount that becomes
// read-only): the host read-only, then the private /tmp, the only writable place,
// with what must stay visible there.
void finish_namespace(const ChildPlan& plan, int report) {
  if (plan.read_only_host && !make_read_only(AT_FDCWD, "/", 0)) child_fail(report, Step::kReadOnly);
  if (::mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, plan.tmp_options.c_str()) != 0) {
    child_fail(report, Step::kMountTmp);
  }
  for (size_t i = 0; i < plan.clones.size(); ++i) {
    const auto& clone = plan.clones[i];
    if (!clone.after_tmp) continue;
    for (const std::string& dir : clone.tmp_parents) ::mkdir(dir.c_str(), 0755);
    if (::mkdir(clone.target.c_str(), 0755) != 0 && errno != EEXIST) {
      child_fail(report, Step::kMountPoint, static_cast<int>(i));
    }
    if (!attach(plan.clone_fds[i], clone.target.c_str())) child_fail(report, Step::kAttach, static_cast<int>(i));
  }
}

[[noreturn]] void run_child(ChildPlan& plan, int report) {
  if (::setsid() < 0) child_fail(report, Step::kSession);
  // The parent blocks SIGINT/SIGTERM/SIGHUP for its watcher thread; blocked and
  // ignored signals survive exec, so restore both.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo != SIGKILL && signo != SIGSTOP) ::sigaction(signo, &dfl, nullptr);  // glibc-internal ones refuse
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) child_fail(report, Step::kSignals);

  if (plan.private_tmp) enter_namespace(plan, report);
  if (plan.max_open_files > 0) {
    const struct rlimit limit {plan.max_open_files, plan.max_open_files};
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) child_fail(report, Step::kRlimit);
  }
  // Joined once the sources are cloned: the set-up before is sweetspot's work, and
  // under a small CPU quota it would otherwise stall the environment's start by a
  // whole period. Everything the program does and starts from here on is inside.
  for (size_t i = 0; i < plan.join_files.size(); ++i) {
    if (!write_all(plan.join_files[i].c_str(), "0")) child_fail(report, Step::kJoinCgroup, static_cast<int>(i));
  }
  if (plan.private_tmp) finish_namespace(plan, report);
  if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) child_fail(report, Step::kChdir);

  // Move the sources above 2 first, so that e.g. stdout_fd == 2 is not clobbered.
  int in = plan.stdin_fd >= 0 ? ::fcntl(plan.stdin_fd, F_DUPFD_CLOEXEC, 3) : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = plan.stdout_fd >= 0 ? ::fcntl(plan.stdout_fd, F_DUPFD_CLOEXEC, 3) : 1;
  int err = plan.stderr_fd >= 0 ? ::fcntl(plan.stderr_fd, F_DUPFD_CLOEXEC, 3) : 2;
  if (in < 0 || out < 0 || err < 0) child_fail(report, Step::kStdio);
  if (!install_fd(in, 0) || !install_fd(out, 1) || !install_fd(err, 2)) child_fail(report, Step::kStdio);

  // Marked close-on-exec rather than closed: the report pipe must stay open until exec.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    if ((report > 3 && ::close_range(3, static_cast<unsigned>(report) - 1, 0) != 0) ||
        ::close_range(static_cast<unsigned>(report) + 1, ~0U, 0) != 0) {
      child_fail(report, Step::kCloseFds);
    }
  }
  // The moment the program starts, taken here rather than when the parent's
  // clone() returns: on a loaded host the parent may run milliseconds later,
  // and the runtime's Init Duration would be measured short. (A record is far
  // below PIPE_BUF, so the write is whole or not at all.)
  ChildReport executing{Step::kExecuting, 0, 0, {}};
  ::clock_gettime(CLOCK_MONOTONIC, &executing.at);
  ssize_t ignored = ::write(report, &executing, sizeof executing);
  (void)ignored;
  ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
  child_fail(report, Step::kExec);
}

// The view, checked and flattened in the parent (the child may not allocate).
Result<void> plan_view(const FilesystemView& view, ChildPlan& plan) {
  auto absolute = [](const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? fs::absolute(p) : c;
  };
  auto reachable = [&](const fs::path& source, const fs::path& target) -> Result<void> {
    std::error_code ec;
    if (!fs::is_directory(source, ec)) {
      return util::fail(source.string() + " (to be mounted at " + target.string() + ") is not a directory" +
                        (fs::exists(source, ec) ? "" : " (it does not exist)"));
    }
    if (::access(source.c_str(), R_OK | X_OK) != 0) {
      return util::fail_errno("cannot read " + source.string() + " (to be mounted at " + target.string() + ")");
    }
    return {};
  };
  auto in_scratch = [&](const fs::path& target) {
    return std::ranges::find(view.scratch_dirs, target.parent_path()) != view.scratch_dirs.end();
  };
  plan.has_view = true;
  plan.read_only_host = view.read_only_host;
  for (const auto& dir : view.scratch_dirs) plan.scratch_dirs.push_back(dir.string());
  for (const auto& dir : view.empty_dirs) plan.empty_dirs.push_back(dir.string());
  std::error_code ec;
  for (const ReadOnlyMount& m : view.mounts) {
    if (auto ok = reachable(m.source, m.target); !ok) return ok;
    if (!in_scratch(m.target) && !fs::is_directory(m.target, ec)) {
      return util::fail("cannot mount " + m.source.string() + " at " + m.target.string() + ": there is no " +
                        m.target.string() + " on this host to mount on");
    }
    plan.clones.push_back({absolute(m.source).string(), m.target.string(), in_scratch(m.target), false, {}});
  }
  if (!view.merged_sources.empty()) {
    if (!fs::is_directory(view.merged_target, ec)) {
      return util::fail("cannot merge layers at " + view.merged_target.string() + ": there is no " +
                        view.merged_target.string() + " on this host to mount on");
    }
    for (const auto& source : view.merged_sources) {
      if (auto ok = reachable(source, view.merged_target); !ok) return ok;
    }
    if (view.merged_sources.size() == 1) {
      plan.clones.push_back({absolute(view.merged_sources.front()).string(), view.merged_target.string(), false, false, {}});
    } else {
      // overlayfs: the leftmost lower directory is the top one, so the last source first.
      std::string lower;
      for (auto it = view.merged_sources.rbegin(); it != view.merged_sources.rend(); ++it) {
        const std::string dir = absolute(*it).string();
        if (dir.find_first_of(":,\\") != std::string::npos) {
          return util::fail("cannot merge " + dir + " with the other layers: its path holds ':', ',' or '\\'");
        }
        lower += (lower.empty() ? "" : ":") + dir;
      }
      plan.overlay_target = view.merged_target.string();
      plan.overlay_options = "lowerdir=" + lower;
    }
  }
  for (const auto& kept : view.kept_in_tmp) {
    const fs::path dir = absolute(kept);
    if (auto ok = reachable(dir, dir); !ok) return ok;
    ChildPlan::Clone clone{dir.string(), dir.string(), true, true, {}};
    for (fs::path p = dir.parent_path(); p != "/tmp" && p.has_relative_path(); p = p.parent_path()) {
      clone.tmp_parents.insert(clone.tmp_parents.begin(), p.string());
    }
    plan.clones.push_back(std::move(clone));
  }
  plan.clone_fds.assign(plan.clones.size(), -1);
  return {};
}

// The child shares the parent's memory until it execs and runs on a stack of its
// own, the parent's thread suspended meanwhile (CLONE_VM | CLONE_VFORK, as
// posix_spawn does): unlike fork(), nothing copies the parent's page tables
// before, nothing tears that copy down at exec, and the parent's threads take no
// copy-on-write faults after. The child only writes its own stack, errno and
// plan.clone_fds; every signal is blocked until it has reset their handlers.
#if defined(__SANITIZE_THREAD__)
#define SWEETSPOT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SWEETSPOT_TSAN 1
#endif
#endif
#ifdef SWEETSPOT_TSAN
// ThreadSanitizer's runtime intercepts clone() as a fork and, in the child, resets
// its own state for a forked process: with CLONE_VM that state is the parent's
// (GCC 12's TSan: every thread started after the first spawn died with "starting
// new threads after multi-threaded fork is not supported", and the shadow call
// stack filled with the child's frames). Under TSan only, the child gets a copy
// of the memory instead; it runs the same code, the parent still waits for exec.
constexpr int kCloneFlags = CLONE_VFORK | SIGCHLD;
#else
constexpr int kCloneFlags = CLONE_VM | CLONE_VFORK | SIGCHLD;
#endif

Result<pid_t> start_child(ChildPlan& plan, int report) {
  constexpr size_t kStackBytes = 256 * 1024;  // the set-up's frames need a few KB
  void* stack = ::mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return util::fail_errno("cannot allocate a stack to start a process");
  struct Start {
    ChildPlan* plan;
    int report;
  } start{&plan, report};
  auto entry = [](void* arg) -> int {
    auto* s = static_cast<Start*>(arg);
    run_child(*s->plan, s->report);
  };
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  // Returns once the child has exec'd or exited: its stack is free again then.
  const pid_t pid = ::clone(entry, static_cast<char*>(stack) + kStackBytes, kCloneFlags, &start);
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  // Under ASan the child's frames leave their redzones poisoned in the shadow
  // memory it shares with us; clear them before the pages can be reused.
  ASAN_UNPOISON_MEMORY_REGION(stack, kStackBytes);
  ::munmap(stack, kStackBytes);
  if (pid < 0) {
    errno = clone_errno;
    return util::fail_errno("cannot start a process (clone)");
  }
  return pid;
}

ExitStatus status_of(const siginfo_t& info) {
  ExitStatus status;
  if (info.si_code == CLD_EXITED) {
    status.kind = ExitStatus::Kind::kExited;
  } else {
    status.kind = ExitStatus::Kind::kSignaled;
    status.core_dumped = info.si_code == CLD_DUMPED;
  }
  status.value = info.si_status;
  return status;
}

}  // namespace

Result<Process> Process::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return util::fail("cannot start a process: no program given");
  ChildPlan plan;
  auto program = resolve_program(options);
  if (!program) return std::unexpected(program.error());
  plan.program = std::move(*program);
  plan.argv_storage = options.argv;
  for (std::string& arg : plan.argv_storage) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  std::vector<std::string> env = options.env;
  for (std::string& entry : env) plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
  if (options.cgroup) {
    for (const fs::path& file : options.cgroup->join_files()) plan.join_files.push_back(file.string());
  }
  plan.cwd = options.cwd.string();
  plan.private_tmp = options.tmp == TmpIsolation::kPrivate;
  if (options.view) {
    if (!plan.private_tmp) return util::fail("internal: a filesystem view needs a private /tmp", util::ErrorKind::kInternal);
    if (auto planned = plan_view(*options.view, plan); !planned) return std::unexpected(planned.error());
  }
  plan.tmp_options = "size=" + std::to_string(options.tmp_bytes) + ",mode=1777";
  plan.uid_map = std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1";
  plan.gid_map = std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1";
  plan.max_open_files = options.max_open_files > 0 ? static_cast<rlim_t>(options.max_open_files) : 0;
  plan.stdin_fd = options.stdin_fd;
  plan.stdout_fd = options.stdout_fd;
  plan.stderr_fd = options.stderr_fd;

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return util::fail_errno("cannot create a pipe");
  util::UniqueFd report_read(pipe_fds[0]);
  util::UniqueFd report_write(pipe_fds[1]);

  auto started = start_child(plan, report_write.get());
  if (!started) return std::unexpected(started.error());
  const pid_t pid = *started;
  report_write.reset();

  util::UniqueFd pidfd(pidfd_open(pid));
  const int pidfd_errno = errno;
  ChildReport record{};
  std::optional<util::Clock::time_point> executed_at;
  ssize_t n;
  while (true) {
    do {
      n = ::read(report_read.get(), &record, sizeof record);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof record) || record.step != Step::kExecuting) break;
    executed_at = util::Clock::time_point(std::chrono::duration_cast<util::Clock::duration>(
        std::chrono::seconds(record.at.tv_sec) + std::chrono::nanoseconds(record.at.tv_nsec)));
  }
  if (n != 0 || !pidfd || !executed_at) {
    if (n == 0) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof record)) {
      errno = record.error;
      util::Error error = util::errno_error(describe_step(record, plan, options));
      // What the program is and where it runs are the caller's input; sessions,
      // namespaces, mounts and cgroups are the host's.
      const bool input = record.step == Step::kExec || record.step == Step::kChdir;
      return std::unexpected(input ? error : util::host_error(std::move(error)));
    }
    if (n != 0 || !executed_at) {
      return util::fail("cannot start " + plan.program + ": its set-up ended without a report");
    }
    errno = pidfd_errno;
    return util::fail_errno("cannot open a pidfd for process " + std::to_string(pid));
  }
  return Process(pid, std::move(pidfd), *executed_at);
}

Process::Process(pid_t pid, util::UniqueFd pidfd, util::Clock::time_point executed_at)
    : pid_(pid), pidfd_(std::move(pidfd)), executed_at_(executed_at) {
  const int fd = pidfd_.get();
  cleanup_ = std::make_unique<util::CleanupHook>([fd, pid] {
    ::kill(-pid, SIGKILL);  // its process group: children that did not move away
    pidfd_send_signal(fd, SIGKILL);
  });
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      executed_at_(other.executed_at_),
      status_(std::move(other.status_)),
      cleanup_(std::move(other.cleanup_)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    end_child();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    executed_at_ = other.executed_at_;
    status_ = std::move(other.status_);
    cleanup_ = std::move(other.cleanup_);
  }
  return *this;
}

Process::~Process() { end_child(); }

void Process::end_child() {
  if (!pidfd_ || status_) return;
  // Not yet reaped, so the process group id cannot have been reused.
  ::kill(-pid_, SIGKILL);
  kill(SIGKILL);
  wait();
}

void Process::reaped(ExitStatus status) {
  status_ = status;
  cleanup_.reset();
}

ExitStatus Process::wait() {
  if (status_) return *status_;
  siginfo_t info{};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED) != 0) {
    if (errno != EINTR) {
      // Reaped elsewhere (SIGCHLD ignored): the status is lost.
      reaped(ExitStatus{ExitStatus::Kind::kExited, -1, false});
      return *status_;
    }
  }
  reaped(status_of(info));
  return *status_;
}

std::optional<ExitStatus> Process::try_wait() {
  if (status_) return status_;
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG) != 0) {
    if (errno == EINTR) return std::nullopt;
    reaped(ExitStatus{ExitStatus::Kind::kExited, -1, false});
    return status_;
  }
  if (info.si_pid == 0) return std::nullopt;
  reaped(status_of(info));
  return status_;
}

void Process::kill(int signo) {
  // ESRCH once it has exited; the pidfd never names another process.
  if (pidfd_) pidfd_send_signal(pidfd_.get(), signo);
}

}  // namespace sweetspot::sandbox
