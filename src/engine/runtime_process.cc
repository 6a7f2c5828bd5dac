#include "engine/runtime_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "engine_api/lambda_limits.h"
#include "engine/runtime_launch.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::kMaxOpenFiles;

RuntimeProcess::~RuntimeProcess() {
  if (process_ && !exit_status()) {
    kill();
    reap();
  }
}

util::Result<util::UniqueFd> RuntimeProcess::spawn(const FunctionConfig& config, const RuntimeSite& site) {
  // Lambda's filesystem: the code read-only at /var/task, the runtime client at
  // /var/runtime, the layers merged at /opt, the rest of the host read-only and a
  // private /tmp the only writable place.
  auto launch = launch_spec(config, PathLayout::kLambda);
  if (!launch) return std::unexpected(launch.error());

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return util::fail_errno("cannot create the log pipe");
  util::UniqueFd log_read(pipe_fds[0]);
  util::UniqueFd log_write(pipe_fds[1]);

  sandbox::SpawnOptions spawn;
  spawn.argv = launch->argv;
  spawn.env = to_envp(lambda_environment(config, *launch, site, caller_aws_environment()));
  spawn.cwd = launch->working_dir;
  spawn.view = launch->view;
  spawn.cgroup = cgroup_;
  spawn.tmp = sandbox::TmpIsolation::kPrivate;
  spawn.tmp_bytes = static_cast<int64_t>(config.tmp_mb) << 20;
  spawn.max_open_files = kMaxOpenFiles;
  spawn.stdout_fd = log_write.get();
  spawn.stderr_fd = log_write.get();

  auto process = sandbox::Process::spawn(spawn);
  if (!process && cgroup_ == nullptr && process.error().kind == util::ErrorKind::kHost) {
    // Without privileges a mount namespace may be impossible; --no-limits runs
    // anyway, on the host's own paths and /tmp.
    auto host = launch_spec(config, PathLayout::kHost);
    if (!host) return std::unexpected(host.error());
    spawn.argv = host->argv;
    spawn.env = to_envp(lambda_environment(config, *host, site, caller_aws_environment()));
    spawn.cwd = host->working_dir;
    spawn.view.reset();
    spawn.tmp = sandbox::TmpIsolation::kShared;
    process = sandbox::Process::spawn(spawn);
  }
  if (!process) {
    return util::fail("cannot start the runtime (" + launch->argv.front() + "): " + process.error().message,
                      process.error().kind);
  }
  process_.emplace(std::move(*process));
  pid_ = process_->pid();
  spawned_at_ = process_->executed_at();
  return log_read;  // log_write closes here: the child holds the only write end
}

void RuntimeProcess::freeze() {
  if (frozen_) return;
  if (cgroup_) {
    frozen_ = cgroup_->freeze().has_value();
  } else if (pid_ > 0) {
    frozen_ = ::kill(-pid_, SIGSTOP) == 0;
  }
}

void RuntimeProcess::thaw() {
  if (!frozen_) return;
  if (cgroup_) {
    (void)cgroup_->thaw();
  } else if (pid_ > 0) {
    ::kill(-pid_, SIGCONT);
  }
  frozen_ = false;
}

void RuntimeProcess::kill() {
  if (cgroup_) {
    if (frozen_) (void)cgroup_->thaw();
    (void)cgroup_->kill_all();
  }
  if (process_) {
    if (cgroup_ == nullptr) ::kill(-pid_, SIGKILL);  // no group: the runtime's process group
    process_->kill(SIGKILL);
  }
  frozen_ = false;
}

void RuntimeProcess::reap() {
  if (!process_) return;
  const auto status = process_->wait();
  std::lock_guard lock(exit_mutex_);
  if (!exit_status_) exit_status_ = status;
}

void RuntimeProcess::record_exit() {
  if (!process_) return;
  const auto status = process_->wait();
  std::lock_guard lock(exit_mutex_);
  exit_status_ = status;
}

std::optional<sandbox::ExitStatus> RuntimeProcess::exit_status() const {
  std::lock_guard lock(exit_mutex_);
  return exit_status_;
}

}  // namespace sweetspot::engine
