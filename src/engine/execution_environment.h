// One execution environment: a runtime process in its own sandbox (cgroup with
// Lambda's memory, CPU and pids limits; private /tmp; rlimits), its own Runtime
// API server, and the lifecycle INIT -> INVOKE... -> SHUTDOWN. Frozen between
// invokes. A crash, timeout or out-of-memory kills it: the caller then needs a
// new one (a cold start), exactly as Lambda resets an environment.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/engine_events.h"
#include "engine/function_trace.h"
#include "engine/function_config.h"
#include "engine/lambda_limits.h"
#include "engine/invocation.h"
#include "engine/runtime_api_server.h"
#include "engine/runtime_launch.h"
#include "engine/xray_daemon.h"
#include "sandbox/cgroup.h"
#include "sandbox/process.h"
#include "util/clock.h"
#include "util/unique_fd.h"

namespace sweetspot::engine {

enum class LimitsMode {
  kEnforced,    // cgroup limits; refuse to run without them
  kUnenforced,  // --no-limits: nothing capped, every record says so
};

// How much CPU the INIT phase gets. Lambda is reported to give init "burst" CPU
// (unthrottled, at least two vCPUs, for its 10 s) whatever the memory size:
// unconfirmed, so a setting.
enum class InitCpu {
  kBurst,         // max(2, memory / 1769) vCPUs during init, the share afterwards
  kProportional,  // memory / 1769 vCPUs throughout
};

struct EnvironmentOptions {
  LimitsMode limits = LimitsMode::kEnforced;
  const sandbox::CgroupHost* cgroup_host = nullptr;  // required when enforced
  std::chrono::microseconds cpu_period{20000};
  int min_visible_cores = kMinVisibleCores;
  InitCpu init_cpu = InitCpu::kBurst;
  std::string region = "us-east-1";
  EngineEvents* events = nullptr;
  // Where the function's X-Ray SDK sends its segments (AWS_XRAY_DAEMON_ADDRESS);
  // none: the invoke's trace holds only Lambda's own segment.
  XRayDaemon* xray = nullptr;
};

struct InvokeInput {
  InvokeInput(std::string event = "{}") : payload(std::move(event)) {}  // NOLINT: implicit from the payload
  std::string payload;
  std::optional<std::string> client_context;
  std::optional<std::string> cognito_identity;
};

class ExecutionEnvironment {
 public:
  // Builds the sandbox and starts the runtime: init begins at once.
  static util::Result<std::unique_ptr<ExecutionEnvironment>> create(const FunctionConfig& config,
                                                                    const EnvironmentOptions& options);
  ~ExecutionEnvironment();  // SHUTDOWN: kills every process, removes the cgroup
  ExecutionEnvironment(const ExecutionEnvironment&) = delete;
  ExecutionEnvironment& operator=(const ExecutionEnvironment&) = delete;

  // One invoke. The first one waits for init and is the cold start. Never
  // throws for what the function does: errors are in the record.
  Invocation invoke(const InvokeInput& input);

  // False once the environment was reset by a crash, timeout, OOM or init error.
  bool alive() const { return state_ != State::kDead; }
  int id() const { return id_; }
  const std::string& runtime_api_address() const { return server_->address(); }

 private:
  enum class State { kInitializing, kReady, kDead };
  struct UsageSnapshot {
    double cpu_ms = 0;
    int64_t peak_bytes = 0;
    uint64_t oom_kills = 0;
  };

  ExecutionEnvironment(const FunctionConfig& config, const EnvironmentOptions& options, int id);
  util::Result<void> start_runtime();
  std::vector<std::string> runtime_environment(const LaunchSpec& launch) const;
  void stop_runtime();
  util::Result<void> apply_invoke_cpu();  // after init: the memory-proportional quota
  util::Result<void> restart_runtime();  // after an init that overran its 10 s
  UsageSnapshot read_usage() const;
  int64_t environment_peak_bytes(const UsageSnapshot& usage);
  void freeze();
  void thaw();
  // Log plumbing: the runtime's stdout and stderr arrive on one pipe, read on the
  // Runtime API server's thread (no thread of its own).
  bool read_log_once();
  void on_runtime_idle();  // the runtime asked for the next event: Overhead ends, then freeze
  // Lambda's own segment for this invoke and what the SDK sent, into `inv.trace`.
  void record_trace(Invocation& inv, InvokePhases phases, bool wait_for_next);
  void drain_log();
  void consume_log_bytes(std::string_view bytes);
  void emit(std::string_view line);
  Invocation fail_invocation(Invocation inv, Outcome outcome, std::string type, std::string message);

  FunctionConfig config_;
  EnvironmentOptions options_;
  int id_;
  std::string log_stream_;
  std::string function_arn_;

  std::unique_ptr<sandbox::Cgroup> cgroup_;
  std::unique_ptr<RuntimeApiServer> server_;
  std::optional<sandbox::Process> process_;
  util::Clock::time_point spawned_at_{};
  State state_ = State::kInitializing;
  std::atomic<bool> frozen_ = false;  // set by the server's hooks, read after detach_hooks()
  int64_t peak_rss_bytes_ = 0;  // largest sum of the processes' peak RSS seen
  bool rss_sampled_since_init_ = false;
  std::optional<UsageSnapshot> last_usage_;  // at the end of the last successful invoke
  std::optional<sandbox::ExitStatus> exit_status_;
  std::mutex exit_mutex_;

  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::optional<util::Clock::time_point> idle_at_;  // when the runtime last called /next with nothing to do

  util::UniqueFd log_read_;
  std::mutex log_mutex_;
  std::string partial_line_;
  std::string invoke_log_;  // this invoke's lines, for Invocation::log_tail
};

}  // namespace sweetspot::engine
