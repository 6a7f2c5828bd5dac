// The local Lambda as a Backend: runs batches of invokes in execution
// environments on this host, warm or cold, one or several at once.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "engine_api/backend.h"
#include "engine/execution_environment.h"
#include "engine_api/function_config.h"
#include "engine_api/lambda_limits.h"
#include "engine/xray_daemon.h"

namespace sweetspot::engine {

struct LocalBackendOptions {
  LimitsMode limits = LimitsMode::kEnforced;
  std::chrono::microseconds cpu_period{20000};
  int min_visible_cores = engine_api::kMinVisibleCores;
  InitCpu init_cpu = InitCpu::kBurst;
  std::string region = "us-east-1";
  EngineEvents* events = nullptr;
};

class LocalBackend : public engine_api::Backend {
 public:
  // Fails when limits are to be enforced and this host cannot create cgroups;
  // the message says why and what to do.
  static util::Result<std::unique_ptr<LocalBackend>> create(engine_api::FunctionConfig config, LocalBackendOptions options);

  std::string describe() const override;
  engine_api::Architecture architecture() const override { return config_.architecture; }
  engine_api::SizeSupport support(int memory_mb) const override;
  std::vector<std::string> notes() const override;
  util::Result<std::vector<engine_api::Invocation>> run(const engine_api::Batch& batch, engine_api::InvokeObserver* observer) override;

  const engine_api::FunctionConfig& config() const { return config_; }
  int host_cpus() const { return host_cpus_; }
  // What the X-Ray listener received and dropped over this backend's life.
  XRayCounts xray_counts() const { return xray_ ? xray_->counts() : XRayCounts{}; }

 private:
  LocalBackend(engine_api::FunctionConfig config, LocalBackendOptions options) : config_(std::move(config)), options_(options) {}
  util::Result<void> check_host_memory(const engine_api::Batch& batch) const;
  std::unique_ptr<ExecutionEnvironment> take_idle(int memory_mb);
  void keep_idle(int memory_mb, std::unique_ptr<ExecutionEnvironment> env);

  engine_api::FunctionConfig config_;
  LocalBackendOptions options_;
  std::optional<sandbox::CgroupHost> cgroup_host_;
  int host_cpus_ = 1;
  // One X-Ray listener for every environment (invokes are told apart by trace id);
  // declared before the idle environments, which point at it, so it outlives them.
  std::unique_ptr<XRayDaemon> xray_;
  // Warm environments left by batches with keep_warm, oldest first; at most
  // kMaxIdleEnvironments (frozen, they use no CPU but hold their memory).
  static constexpr size_t kMaxIdleEnvironments = 12;
  std::mutex idle_mutex_;
  std::deque<std::pair<int, std::unique_ptr<ExecutionEnvironment>>> idle_;
  std::string runtime_note_;  // LaunchSpec::note
};

// Host CPUs this process may run on.
int available_cpus();

}  // namespace sweetspot::engine
