// One execution environment: a runtime process in its own sandbox (cgroup with
// Lambda's memory, CPU and pids limits; private /tmp; rlimits), its own Runtime
// API server, and the lifecycle INIT -> INVOKE... -> SHUTDOWN. Frozen between
// invokes. A crash, timeout or out-of-memory kills it: the caller then needs a
// new one (a cold start), exactly as Lambda resets an environment.
//
// It composes parts with one job each: RuntimeProcess (the process, started with
// the one builder of Lambda's variables), LogCollector (its output into log
// lines), UsageMeter (Max Memory Used, CPU) and EnvironmentLifecycle (the phases
// and the invoke's one deadline); invoke() walks the phases.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/engine_events.h"
#include "engine/environment_lifecycle.h"
#include "engine/function_trace.h"
#include "engine_api/function_config.h"
#include "engine_api/lambda_limits.h"
#include "engine_api/invocation.h"
#include "engine/log_collector.h"
#include "engine/runtime_api_server.h"
#include "engine/runtime_launch.h"
#include "engine/runtime_process.h"
#include "engine/usage_meter.h"
#include "engine/xray_daemon.h"
#include "sandbox/cgroup.h"
#include "util/clock.h"

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
  int min_visible_cores = engine_api::kMinVisibleCores;
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
  // The ARN the caller invoked, qualifier included if it gave one (Lambda hands
  // the function that, not the version it ran); none: the unqualified ARN.
  std::optional<std::string> invoked_function_arn;
};

class ExecutionEnvironment {
 public:
  // Builds the sandbox and starts the runtime: init begins at once.
  static util::Result<std::unique_ptr<ExecutionEnvironment>> create(const engine_api::FunctionConfig& config,
                                                                    const EnvironmentOptions& options);
  ~ExecutionEnvironment();  // SHUTDOWN: kills every process, removes the cgroup
  ExecutionEnvironment(const ExecutionEnvironment&) = delete;
  ExecutionEnvironment& operator=(const ExecutionEnvironment&) = delete;

  // One invoke. The first one waits for init and is the cold start. Never
  // throws for what the function does: errors are in the record.
  engine_api::Invocation invoke(const InvokeInput& input);

  // False once the environment was reset by a crash, timeout, OOM or init error.
  bool alive() const { return lifecycle_.alive(); }
  int id() const { return id_; }
  const std::string& runtime_api_address() const { return server_->address(); }

 private:
  // An invoke in progress: its record, when the event was handed over, and the
  // part of a retried init that counts in its duration.
  struct InvokeRun {
    engine_api::Invocation inv;
    std::optional<util::Clock::time_point> sent;
    double retried_init_ms = 0;
  };

  ExecutionEnvironment(const engine_api::FunctionConfig& config, const EnvironmentOptions& options, int id);
  static RuntimeApiServer::Hooks hooks(ExecutionEnvironment* env);
  util::Result<void> start_runtime();
  void stop_runtime();  // RESET: kills every process, keeps the log
  util::Result<void> apply_invoke_cpu();  // after init: the memory-proportional quota
  util::Result<void> restart_runtime();  // after an init that overran its 10 s

  // The phases of invoke(); each returns the record when the invoke ends there.
  std::optional<engine_api::Invocation> run_init(InvokeRun& run);
  engine_api::Invocation run_event(InvokeRun& run, const InvokeInput& input);
  engine_api::Invocation finish(InvokeRun& run, std::optional<double> billed_cap_ms = std::nullopt);
  engine_api::Invocation timed_out(InvokeRun& run);
  engine_api::Invocation runtime_exited(InvokeRun& run, const UsageSnapshot& before);
  void record_usage(engine_api::Invocation& inv, const UsageSnapshot& before, const UsageSnapshot& after);

  void on_runtime_idle();  // the runtime asked for the next event: Overhead ends, then freeze
  // Lambda's own segment for this invoke and what the SDK sent, into `inv.trace`.
  void record_trace(engine_api::Invocation& inv, InvokePhases phases, bool wait_for_next);

  engine_api::FunctionConfig config_;
  EnvironmentOptions options_;
  int id_;
  std::string log_stream_;
  std::string function_arn_;

  std::unique_ptr<sandbox::Cgroup> cgroup_;
  std::unique_ptr<RuntimeApiServer> server_;
  std::unique_ptr<RuntimeProcess> runtime_;  // replaced when init is retried
  EnvironmentLifecycle lifecycle_;
  LogCollector log_;
  UsageMeter usage_;

  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::optional<util::Clock::time_point> idle_at_;  // when the runtime last called /next with nothing to do
};

}  // namespace sweetspot::engine
