// The runtime process of one execution environment: started as its runtime
// family is launched (runtime_launch), in Lambda's filesystem, with Lambda's
// variables (environment_variables), its stdout and stderr into one pipe; frozen
// while it waits for an event; killed with everything it started on a reset.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/environment_variables.h"
#include "engine_api/function_config.h"
#include "sandbox/cgroup.h"
#include "sandbox/process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace sweetspot::engine {

class RuntimeProcess {
 public:
  // `cgroup` holds every process of the environment; null with --no-limits,
  // where the runtime's process group stands in for it (freeze, kill).
  explicit RuntimeProcess(sandbox::Cgroup* cgroup) : cgroup_(cgroup) {}
  ~RuntimeProcess();  // kills and reaps what still runs
  RuntimeProcess(const RuntimeProcess&) = delete;
  RuntimeProcess& operator=(const RuntimeProcess&) = delete;

  // Starts the runtime: INIT begins. Returns the read end of its log pipe (the
  // runtime and its children hold the only write end: EOF once they are gone).
  // With --no-limits and no right to make a mount namespace, it runs on the
  // host's own paths and /tmp instead of Lambda's.
  util::Result<util::UniqueFd> spawn(const engine_api::FunctionConfig& config, const RuntimeSite& site);

  pid_t pid() const { return pid_; }
  int pidfd() const { return process_ ? process_->pidfd() : -1; }
  // When the runtime was exec'd (the child's own reading, so a parent resumed
  // late on a loaded host does not shorten Init Duration): INIT started.
  // Joining the cgroup before exec costs cgroup v1 an RCU grace period (~10 ms)
  // that is the sandbox's, not the function's, so it stays out of Init Duration.
  util::Clock::time_point spawned_at() const { return spawned_at_; }

  // Between invokes nothing of the function runs. Both may be called from the
  // Runtime API server's thread; each is a no-op when already done.
  void freeze();
  void thaw();

  // Ends every process of the environment (frozen ones too); reap() then waits.
  void kill();
  // Waits for the runtime process (after it exited or kill()); its first
  // status is kept.
  void reap();
  // The runtime exited by itself (its pidfd is readable): its status, now.
  void record_exit();
  // How the runtime ended, once it did.
  std::optional<sandbox::ExitStatus> exit_status() const;

 private:
  sandbox::Cgroup* cgroup_;
  std::optional<sandbox::Process> process_;
  pid_t pid_ = -1;
  util::Clock::time_point spawned_at_{};
  std::atomic<bool> frozen_ = false;
  mutable std::mutex exit_mutex_;
  std::optional<sandbox::ExitStatus> exit_status_;
};

}  // namespace sweetspot::engine
