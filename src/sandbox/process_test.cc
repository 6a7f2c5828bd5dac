#include "sandbox/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "sandbox/test_support.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;
using testing::run_captured;
using testing::shell;

// True when this process has no child left, reaped or not.
bool no_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
}

TEST(Process, RunsWithGivenArgvEnvironmentAndDirectory) {
  SpawnOptions options = shell("echo \"$0 $1 $FOO\"; pwd");
  options.argv.insert(options.argv.end(), {"zero", "one"});
  options.env.push_back("FOO=bar");
  options.cwd = "/usr";
  auto done = run_captured(options);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->out, "zero one bar\n/usr\n");
  EXPECT_EQ(done->status.kind, ExitStatus::Kind::kExited);
  EXPECT_EQ(done->status.value, 0);
}

TEST(Process, ResolvesProgramThroughThePathOfItsEnvironment) {
  SpawnOptions options;
  options.argv = {"echo", "found"};
  options.env = {"PATH=/nonexistent:/bin"};
  options.tmp = TmpIsolation::kShared;
  auto done = run_captured(options);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->out, "found\n");
}

TEST(Process, ReportsExitStatusAndSignalInLambdasWording) {
  auto exited = run_captured(shell("exit 3"));
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->status.kind, ExitStatus::Kind::kExited);
  EXPECT_EQ(exited->status.value, 3);
  EXPECT_EQ(exited->status.describe(), "exit status 3");

  auto crashed = run_captured(shell("kill -SEGV $$"));
  ASSERT_TRUE(crashed);
  EXPECT_EQ(crashed->status.kind, ExitStatus::Kind::kSignaled);
  EXPECT_EQ(crashed->status.value, SIGSEGV);
  EXPECT_TRUE(crashed->status.describe().starts_with("signal: segmentation fault"));
}

TEST(Process, KillFromAnotherThreadEndsABlockingWait) {
  auto process = Process::spawn(shell("exec sleep 30"));
  ASSERT_TRUE(process) << process.error().message;
  std::optional<ExitStatus> status;
  std::thread waiter([&] { status = process->wait(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  process->kill(SIGKILL);
  waiter.join();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->describe(), "signal: killed");
  EXPECT_EQ(process->wait().value, SIGKILL);  // the same status again
  process->kill(SIGKILL);                      // harmless once reaped
}

TEST(Process, TryWaitSeesRunningThenExited) {
  auto process = Process::spawn(shell("read line"));  // stdin is /dev/null: returns at once
  ASSERT_TRUE(process);
  auto status = process->wait();
  EXPECT_EQ(status.kind, ExitStatus::Kind::kExited);
  auto sleeper = Process::spawn(shell("exec sleep 30"));
  ASSERT_TRUE(sleeper);
  EXPECT_FALSE(sleeper->try_wait().has_value());
  sleeper->kill(SIGTERM);
  EXPECT_EQ(sleeper->wait().describe(), "signal: terminated");
  EXPECT_EQ(sleeper->try_wait()->value, SIGTERM);
}

TEST(Process, FailedSpawnNamesTheStepAndLeavesNoZombie) {
  SpawnOptions missing = shell("");
  missing.argv = {"/nonexistent/bootstrap"};
  auto failed = Process::spawn(missing);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "cannot execute /nonexistent/bootstrap: No such file or directory");
  EXPECT_TRUE(no_children());

  SpawnOptions bad_dir = shell("true");
  bad_dir.cwd = "/nonexistent-dir";
  auto no_dir = Process::spawn(bad_dir);
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().message, "cannot change directory to /nonexistent-dir: No such file or directory");
  EXPECT_TRUE(no_children());

  SpawnOptions not_in_path = shell("");
  not_in_path.argv = {"no-such-program-sweetspot"};
  auto not_found = Process::spawn(not_in_path);
  ASSERT_FALSE(not_found);
  EXPECT_NE(not_found.error().message.find("cannot find the program 'no-such-program-sweetspot' in PATH"),
            std::string::npos);
}

TEST(Process, DestructorKillsAndReapsARunningChildAndItsProcessGroup) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  SpawnOptions options = shell("sleep 30 & echo $!; exec sleep 30");
  options.stdout_fd = fds[1];
  pid_t pid = -1;
  pid_t background = -1;
  {
    auto process = Process::spawn(options);
    ::close(fds[1]);
    ASSERT_TRUE(process);
    pid = process->pid();
    char line[32] = {};
    ASSERT_GT(::read(fds[0], line, sizeof line - 1), 0);
    background = std::atoi(line);
  }
  ::close(fds[0]);
  EXPECT_NE(::kill(pid, 0), 0);  // gone and reaped
  EXPECT_TRUE(no_children());
  // The background sleep was in the same process group; its new parent reaps it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (testing::running(background) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(testing::running(background));
}

TEST(Process, ChildHasDefaultSignalsItsOwnSessionAndOnlyStdio) {
  // What the parent blocks or ignores must not reach the child.
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGUSR2, &ignore, &old_action);
  const int leaked = ::open("/dev/null", O_RDONLY);  // not CLOEXEC on purpose

  SpawnOptions status_file = shell("");
  status_file.argv = {"/bin/cat", "/proc/self/status", "/proc/self/stat"};
  auto captured = run_captured(status_file);
  SpawnOptions fds = shell("");
  fds.argv = {"/bin/ls", "/proc/self/fd"};
  auto listed = run_captured(fds);

  ::close(leaked);
  ::sigaction(SIGUSR2, &old_action, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

  ASSERT_TRUE(captured);
  EXPECT_NE(captured->out.find("SigBlk:\t0000000000000000"), std::string::npos) << captured->out;
  EXPECT_NE(captured->out.find("SigIgn:\t0000000000000000"), std::string::npos) << captured->out;
  // /proc/self/stat: pid (comm) state ppid pgrp session ...
  const std::string stat = captured->out.substr(captured->out.rfind('\n', captured->out.size() - 2) + 1);
  const auto fields = util::split(stat.substr(stat.find(") ") + 2), ' ');
  const std::string pid = stat.substr(0, stat.find(' '));
  EXPECT_EQ(fields.at(2), pid) << "process group";
  EXPECT_EQ(fields.at(3), pid) << "session";

  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->out, "0\n1\n2\n3\n");  // 3 is ls's own directory handle
}

TEST(Process, StdoutAndStderrGoWhereAsked) {
  int out[2], err[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
  SpawnOptions options = shell("echo to-out; echo to-err >&2");
  options.stdout_fd = out[1];
  options.stderr_fd = err[1];
  auto process = Process::spawn(options);
  ::close(out[1]);
  ::close(err[1]);
  ASSERT_TRUE(process);
  EXPECT_EQ(process->wait().value, 0);
  char buffer[64];
  ssize_t n = ::read(out[0], buffer, sizeof buffer);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "to-out\n");
  n = ::read(err[0], buffer, sizeof buffer);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "to-err\n");
  ::close(out[0]);
  ::close(err[0]);
}

// The program's start is the child's own reading of the clock just before
// execve: after spawn() was called, no later than it returned, and before
// anything the program itself does (a loaded host may resume the parent late,
// which must not shorten a runtime's Init Duration).
TEST(Process, ExecutedAtIsTheChildsReadingJustBeforeItsProgramRuns) {
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  SpawnOptions options = shell("exec python3 -c 'import time; print(time.monotonic_ns())'");
  options.stdout_fd = out[1];
  const util::Clock::time_point before = util::Clock::now();
  auto process = Process::spawn(options);
  const util::Clock::time_point returned = util::Clock::now();
  ::close(out[1]);
  ASSERT_TRUE(process) << process.error().message;
  EXPECT_EQ(process->wait().value, 0);
  char buffer[64];
  const ssize_t n = ::read(out[0], buffer, sizeof buffer);
  ::close(out[0]);
  ASSERT_GT(n, 0);
  const auto program_ran = util::Clock::time_point(std::chrono::nanoseconds(std::stoll(std::string(buffer, n))));
  EXPECT_LE(before, process->executed_at());
  EXPECT_LE(process->executed_at(), returned);
  EXPECT_LE(process->executed_at(), program_ran);
}

TEST(Process, OpenFileLimitIsApplied) {
  SpawnOptions options = shell("ulimit -n; ulimit -Hn");
  options.max_open_files = 777;
  auto done = run_captured(options);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->out, "777\n777\n");
}

void ignore_usr1(int) {}

// The child shares the caller's memory until its exec (start_child in process.cc):
// what it changes of itself must stay its own, whether it execs or fails.
TEST(Process, SpawnLeavesTheCallersDirectoryLimitsSignalsAndDescriptorsAlone) {
  struct sigaction handler {};
  handler.sa_handler = ignore_usr1;
  sigemptyset(&handler.sa_mask);
  struct sigaction previous {};
  ASSERT_EQ(::sigaction(SIGUSR1, &handler, &previous), 0);
  const fs::path cwd = fs::current_path();
  struct rlimit files {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  struct stat stdout_before {};
  ASSERT_EQ(::fstat(1, &stdout_before), 0);
  const int probe = ::open("/dev/null", O_RDONLY);  // not close-on-exec: the child closes it
  ASSERT_GE(probe, 0);

  for (const char* program : {"/bin/sh", "/nonexistent/bootstrap"}) {
    SpawnOptions options = shell("ulimit -n");
    options.argv.front() = program;
    options.cwd = "/usr";
    options.max_open_files = 64;
    auto done = run_captured(options);
    if (std::string_view(program) == "/bin/sh") {
      ASSERT_TRUE(done) << done.error().message;
      EXPECT_EQ(done->out, "64\n");
    } else {
      EXPECT_FALSE(done);
    }
    EXPECT_EQ(fs::current_path(), cwd) << program;
    struct rlimit now {};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, files.rlim_cur) << program;
    EXPECT_EQ(now.rlim_max, files.rlim_max) << program;
    struct sigaction current {};
    ASSERT_EQ(::sigaction(SIGUSR1, nullptr, &current), 0);
    EXPECT_EQ(current.sa_handler, &ignore_usr1) << program;
    struct stat stdout_after {};
    ASSERT_EQ(::fstat(1, &stdout_after), 0);
    EXPECT_EQ(stdout_after.st_ino, stdout_before.st_ino) << program;
    EXPECT_EQ(::fcntl(probe, F_GETFD), 0) << program << ": still open, not close-on-exec";
  }
  ::close(probe);
  ::sigaction(SIGUSR1, &previous, nullptr);
  EXPECT_TRUE(no_children());
}

// Each spawn runs its child on a stack of its own: threads may spawn at once.
TEST(Process, ThreadsSpawnAtTheSameTime) {
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &right] {
      for (int i = 0; i < 10; ++i) {
        SpawnOptions options = shell("echo \"$0\"");
        options.argv.push_back(std::to_string(t) + "-" + std::to_string(i));
        auto done = run_captured(options);
        if (done && done->out == std::to_string(t) + "-" + std::to_string(i) + "\n" && done->status.value == 0) ++right;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(right.load(), 40);
  EXPECT_TRUE(no_children());
}

TEST(Process, PrivateTmpIsSeparateFromTheHostsAndSized) {
  const std::string host_file = "/tmp/sweetspot-host-" + std::to_string(::getpid());
  const std::string child_file = "/tmp/sweetspot-child-" + std::to_string(::getpid());
  std::ofstream(host_file) << "host";
  SpawnOptions options = shell("ls -a /tmp; echo child > " + child_file + " && cat " + child_file +
                                   "; stat -f -c 'blocks=%b size=%S' /tmp; stat -c 'mode=%a' /tmp",
                               TmpIsolation::kPrivate);
  options.tmp_bytes = 64ll << 20;
  auto done = run_captured(options);
  fs::remove(host_file);
  if (!done && ::geteuid() != 0) {
    SWEETSPOT_REQUIRE(false, "no private /tmp without root here: " + done.error().message);
  }
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->status.value, 0) << done->out;
  EXPECT_EQ(done->out.find("sweetspot-host-"), std::string::npos) << done->out;
  EXPECT_NE(done->out.find("child\n"), std::string::npos) << done->out;
  EXPECT_NE(done->out.find("mode=1777"), std::string::npos) << done->out;
  // 64 MiB in 4 KiB blocks.
  EXPECT_NE(done->out.find("blocks=16384 size=4096"), std::string::npos) << done->out;
  EXPECT_FALSE(fs::exists(child_file));
}

TEST(Process, FilesystemViewMountsHostFoldersReadOnlyAndTheHostReadOnly) {
  // Sources under the host's /tmp, which the private /tmp hides: cloned first.
  const fs::path root = fs::path("/tmp") / ("sweetspot-view-" + std::to_string(::getpid()));
  fs::create_directories(root / "code");
  fs::create_directories(root / "one");
  fs::create_directories(root / "two");
  fs::create_directories(root / "tool/bin");
  std::ofstream(root / "code/f") << "code";
  std::ofstream(root / "one/both") << "one";
  std::ofstream(root / "one/only-one") << "only one";
  std::ofstream(root / "two/both") << "two";
  std::ofstream(root / "tool/bin/t") << "tool";
  SpawnOptions options = shell(
      "cat /var/code/f /opt/both /opt/only-one " + (root / "tool/bin/t").string() + "; echo; ls /var;"
      "touch /var/code/new 2>/dev/null || echo code-ro; touch /etc/sweetspot-x 2>/dev/null || echo etc-ro;"
      "touch /tmp/ok && echo tmp-rw; pwd",
      TmpIsolation::kPrivate);
  options.cwd = "/var/code";
  FilesystemView view;
  view.scratch_dirs = {"/var"};
  view.empty_dirs = {"/var/empty"};
  view.mounts = {{root / "code", "/var/code"}};
  view.merged_target = "/opt";
  view.merged_sources = {root / "one", root / "two"};
  view.kept_in_tmp = {root / "tool"};
  options.view = view;
  auto done = run_captured(options);
  const bool exists_after = fs::exists(root / "code/new");
  fs::remove_all(root);
  if (!done && ::geteuid() != 0) SWEETSPOT_REQUIRE(false, "no mount namespace without root here: " + done.error().message);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->out, "codetwoonly onetool\ncode\nempty\ncode-ro\netc-ro\ntmp-rw\n/var/code\n");
  EXPECT_FALSE(exists_after);

  // What cannot be reached is named, with the reason.
  view.mounts = {{root / "missing", "/var/code"}};
  options.view = view;
  auto missing = Process::spawn(options);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find((root / "missing").string()), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace sweetspot::sandbox
