// Execution environments kept warm between API invokes, as Lambda keeps them:
// one per concurrent invoke, reused by the next invoke of the same function
// version and configuration, replaced when that configuration changed, and at
// most `max_concurrency` of them (busy or idle) at a time.
#pragma once

#include <condition_variable>
#include <deque>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/execution_environment.h"
#include "engine/local_backend.h"
#include "lambda_api/api_error.h"
#include "lambda_api/registry.h"

namespace sweetspot::lambda_api {

struct PoolOptions {
  engine::LocalBackendOptions engine;  // limits, CPU period, region, where logs go
  int max_concurrency = 10;
};

enum class Admission {
  kRejectWhenBusy,    // a synchronous invoke: 429 when every slot is busy
  kWaitForCapacity,   // a queued Event invoke: waits for a free slot
};

class EnvironmentPool {
 public:
  // Fails when limits are to be enforced and this host cannot create cgroups.
  static util::Result<std::unique_ptr<EnvironmentPool>> create(PoolOptions options);
  ~EnvironmentPool();  // shuts every idle environment down
  EnvironmentPool(const EnvironmentPool&) = delete;
  EnvironmentPool& operator=(const EnvironmentPool&) = delete;

  std::expected<engine_api::Invocation, ApiError> invoke(const Resolved& target, const engine::InvokeInput& input,
                                                     Admission admission);
  // Idle environments of this version go now; busy ones when their invoke ends.
  void retire(std::string_view function_name, std::string_view version);
  // Refuses new invokes, wakes waiters and shuts the idle environments down;
  // invokes in flight finish and their environments are then shut down.
  void shutdown();

  int max_concurrency() const { return options_.max_concurrency; }
  size_t idle_count() const;
  int busy_count() const;

 private:
  struct Idle {
    std::string slot;  // function and version
    std::string key;   // the configuration it was started with
    std::unique_ptr<engine::ExecutionEnvironment> env;
  };

  // Prefixes each log line with the function and version its environment runs,
  // so that the log of several functions stays readable.
  class LabelledLog : public engine::EngineEvents {
   public:
    explicit LabelledLog(engine::EngineEvents* out) : out_(out) {}
    void on_log(int environment_id, std::string_view line) override;
    void label(int environment_id, std::string label);
    void forget(int environment_id);

   private:
    engine::EngineEvents* out_;
    std::mutex mutex_;
    std::map<int, std::string> labels_;
  };

  explicit EnvironmentPool(PoolOptions options) : options_(std::move(options)), log_(options_.engine.events) {}
  engine::EnvironmentOptions environment_options() const;
  void shut_down(std::unique_ptr<engine::ExecutionEnvironment> env);  // and forget its log label
  engine_api::Invocation environment_failed(const Resolved& target, const std::string& why) const;
  static ApiError stopping_error();

  PoolOptions options_;
  mutable LabelledLog log_;  // environments log through it from their own threads
  std::optional<sandbox::CgroupHost> cgroup_host_;
  mutable std::mutex mutex_;
  std::condition_variable capacity_;
  int busy_ = 0;
  std::deque<Idle> idle_;  // least recently used first
  std::map<std::string, std::string> current_key_;  // slot -> the configuration now in force
  bool shutting_down_ = false;
};

// Everything in a configuration that an environment is started with: two
// configurations with the same key can share environments.
std::string environment_key(const engine_api::FunctionConfig& config);

}  // namespace sweetspot::lambda_api
