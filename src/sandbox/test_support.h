// Helpers for the sandbox tests: real processes, real cgroups.
#pragma once

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "sandbox/cgroup.h"
#include "sandbox/control_file.h"
#include "sandbox/process.h"

namespace sweetspot::sandbox::testing {

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// A test that needs what this host may lack skips, except in CI, where it fails.
#define SWEETSPOT_REQUIRE(condition, reason)                       \
  do {                                                             \
    if (!(condition)) {                                            \
      if (::sweetspot::sandbox::testing::in_ci()) FAIL() << reason; \
      GTEST_SKIP() << reason;                                      \
    }                                                              \
  } while (0)

// The host's cgroups, or the reason they cannot be used.
inline Result<CgroupHost> cgroup_host() {
  if (::geteuid() != 0) return util::fail("needs root to create cgroups");
  return CgroupHost::detect();
}

// Reads `fd` to end of file, then closes it.
inline std::string read_all_and_close(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return text;
}

// Running, as opposed to gone or a zombie waiting for a parent that is gone.
inline bool running(pid_t pid) {
  auto stat = read_control_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  const size_t close = stat->rfind(") ");
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z' &&
         (*stat)[close + 2] != 'X';
}

struct Finished {
  ExitStatus status;
  std::string out;  // stdout and stderr together
};

// Runs to completion, capturing stdout and stderr.
inline Result<Finished> run_captured(SpawnOptions options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return util::fail_errno("pipe");
  options.stdout_fd = fds[1];
  options.stderr_fd = fds[1];
  auto process = Process::spawn(options);
  ::close(fds[1]);
  if (!process) {
    ::close(fds[0]);
    return std::unexpected(process.error());
  }
  Finished finished;
  finished.out = read_all_and_close(fds[0]);
  finished.status = process->wait();
  return finished;
}

// /bin/sh -c script, with a plain environment.
inline SpawnOptions shell(std::string script, TmpIsolation tmp = TmpIsolation::kShared) {
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", std::move(script)};
  options.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C"};
  options.cwd = "/";
  options.tmp = tmp;
  return options;
}

}  // namespace sweetspot::sandbox::testing
