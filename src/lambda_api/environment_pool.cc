#include "lambda_api/environment_pool.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/ids.h"
#include "util/interrupt.h"

namespace sweetspot::lambda_api {
namespace {

std::string slot_of(std::string_view function_name, std::string_view version) {
  return fmt::format("{}\n{}", function_name, version);
}

}  // namespace

void EnvironmentPool::LabelledLog::label(int environment_id, std::string label) {
  std::lock_guard lock(mutex_);
  labels_[environment_id] = std::move(label);
}

void EnvironmentPool::LabelledLog::forget(int environment_id) {
  std::lock_guard lock(mutex_);
  labels_.erase(environment_id);
}

void EnvironmentPool::LabelledLog::on_log(int environment_id, std::string_view line) {
  if (!out_) return;
  std::string prefixed;
  {
    std::lock_guard lock(mutex_);
    auto it = labels_.find(environment_id);
    // Lines of an environment's INIT can arrive before create() returned its id.
    prefixed = it == labels_.end() ? fmt::format("[env {}] ", environment_id)
                                   : fmt::format("[{} env {}] ", it->second, environment_id);
  }
  prefixed += line;
  out_->on_log(environment_id, prefixed);
}

ApiError EnvironmentPool::stopping_error() {
  // ServiceException: the invoke may or may not have run its handler, as with
  // any Lambda service failure; the caller decides whether to retry.
  return ApiError{ErrorCode::kService,
                  "sweetspot serve is stopping (SIGINT or SIGTERM): this invoke was not run to its end. Invoke it "
                  "again once the server is back",
                  {}};
}

engine_api::Invocation EnvironmentPool::environment_failed(const Resolved& target, const std::string& why) const {
  // Lambda answers an environment that cannot start (a broken runtime, a missing
  // bootstrap) with a function error, not a service error: callers do not retry it.
  engine_api::Invocation inv;
  inv.request_id = engine::new_request_id();
  inv.memory_mb = target.state.config.memory_mb;
  inv.start = engine_api::StartKind::kCold;
  inv.outcome = engine_api::Outcome::kInitError;
  inv.error_type = "Runtime.Unknown";
  inv.error_message = fmt::format("could not start an execution environment for {}: {}", target.function_name, why);
  inv.response = nlohmann::json{{"errorType", inv.error_type}, {"errorMessage", inv.error_message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  inv.limits_enforced = options_.engine.limits == engine::LimitsMode::kEnforced;
  if (options_.engine.events) options_.engine.events->on_log(0, "sweetspot: " + inv.error_message + "\n");
  return inv;
}

std::string environment_key(const engine_api::FunctionConfig& c) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : c.layers) layers.push_back(layer.string());
  return nlohmann::json{{"name", c.name},
                        {"code", c.code_dir.string()},
                        {"runtime", static_cast<int>(c.runtime)},
                        {"runtime_id", c.runtime_id},
                        {"handler", c.handler},
                        {"memory", c.memory_mb},
                        {"timeout", c.timeout_s},
                        {"tmp", c.tmp_mb},
                        {"arch", static_cast<int>(c.architecture)},
                        {"env", c.environment},
                        {"python", c.python.string()},
                        {"layers", layers}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

util::Result<std::unique_ptr<EnvironmentPool>> EnvironmentPool::create(PoolOptions options) {
  if (options.max_concurrency < 1) return util::fail("--max-concurrency must be at least 1");
  std::unique_ptr<EnvironmentPool> pool(new EnvironmentPool(std::move(options)));
  if (pool->options_.engine.limits == engine::LimitsMode::kEnforced) {
    auto host = sandbox::CgroupHost::detect();
    if (!host) return std::unexpected(host.error());
    sandbox::remove_stale_cgroups(*host);
    pool->cgroup_host_ = std::move(*host);
  }
  return pool;
}

EnvironmentPool::~EnvironmentPool() { shutdown(); }

engine::EnvironmentOptions EnvironmentPool::environment_options() const {
  engine::EnvironmentOptions o;
  o.limits = options_.engine.limits;
  o.cgroup_host = cgroup_host_ ? &*cgroup_host_ : nullptr;
  o.cpu_period = options_.engine.cpu_period;
  o.min_visible_cores = options_.engine.min_visible_cores;
  o.init_cpu = options_.engine.init_cpu;
  o.region = options_.engine.region;
  o.events = options_.engine.events ? &log_ : nullptr;
  return o;
}

size_t EnvironmentPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

int EnvironmentPool::busy_count() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

std::expected<engine_api::Invocation, ApiError> EnvironmentPool::invoke(const Resolved& target,
                                                                    const engine::InvokeInput& input,
                                                                    Admission admission) {
  const std::string slot = slot_of(target.function_name, target.version);
  const std::string key = environment_key(target.state.config);
  std::unique_ptr<engine::ExecutionEnvironment> env;
  std::vector<std::unique_ptr<engine::ExecutionEnvironment>> to_shut_down;  // outside the lock: it takes time
  {
    std::unique_lock lock(mutex_);
    // util::interrupted(): the signal's cleanup already killed every environment;
    // nothing new may start before the listener is closed.
    while (!shutting_down_ && !util::interrupted() && busy_ >= options_.max_concurrency) {
      if (admission == Admission::kRejectWhenBusy) {
        return std::unexpected(ApiError{
            ErrorCode::kTooManyRequests,
            fmt::format("Rate Exceeded. All {} execution environments (--max-concurrency) are busy with other invokes",
                        options_.max_concurrency),
            "ConcurrentInvocationLimitExceeded"});
      }
      capacity_.wait(lock);
    }
    if (shutting_down_ || util::interrupted()) return std::unexpected(stopping_error());
    ++busy_;
    current_key_[slot] = key;
    // Environments of this version started with another configuration are
    // replaced, as Lambda replaces them after an update.
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (it->slot == slot && it->key != key) {
        to_shut_down.push_back(std::move(it->env));
        it = idle_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (it->slot == slot && it->key == key) {
        env = std::move(it->env);
        idle_.erase(std::next(it).base());
        break;
      }
    }
    // A new environment may not push the count over the limit: the least
    // recently used idle one (of any function) makes room.
    if (!env && busy_ + static_cast<int>(idle_.size()) > options_.max_concurrency && !idle_.empty()) {
      to_shut_down.push_back(std::move(idle_.front().env));
      idle_.pop_front();
    }
  }
  for (auto& old : to_shut_down) shut_down(std::move(old));

  auto release = [this](int delta) {
    std::lock_guard lock(mutex_);
    busy_ -= delta;
    capacity_.notify_all();
  };
  if (!env) {
    engine_api::FunctionConfig config = target.state.config;
    config.version = target.version;  // START lines name the version that runs, not $LATEST
    auto created = engine::ExecutionEnvironment::create(config, environment_options());
    if (!created) {
      release(1);
      return environment_failed(target, created.error().message);
    }
    env = std::move(*created);
    log_.label(env->id(), target.version == kLatest ? target.function_name
                                                    : fmt::format("{}:{}", target.function_name, target.version));
  }

  engine_api::Invocation invocation = env->invoke(input);

  {
    std::lock_guard lock(mutex_);
    --busy_;
    const auto current = current_key_.find(slot);
    if (env->alive() && !shutting_down_ && current != current_key_.end() && current->second == key) {
      idle_.push_back(Idle{slot, key, std::move(env)});
    }
    capacity_.notify_all();
  }
  if (env) shut_down(std::move(env));  // dead, retired or superseded: outside the lock
  // Killed by SIGINT / SIGTERM's cleanup: not the function's failure, so not a
  // function error; the caller gets an answer before the server closes.
  if (util::interrupted() && !invocation.ok()) return std::unexpected(stopping_error());
  return invocation;
}

void EnvironmentPool::retire(std::string_view function_name, std::string_view version) {
  const std::string slot = slot_of(function_name, version);
  std::vector<std::unique_ptr<engine::ExecutionEnvironment>> to_shut_down;
  {
    std::lock_guard lock(mutex_);
    current_key_.erase(slot);
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (it->slot == slot) {
        to_shut_down.push_back(std::move(it->env));
        it = idle_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& old : to_shut_down) shut_down(std::move(old));
}

void EnvironmentPool::shutdown() {
  std::deque<Idle> idle;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    idle.swap(idle_);
    capacity_.notify_all();
  }
  for (auto& old : idle) shut_down(std::move(old.env));
}

void EnvironmentPool::shut_down(std::unique_ptr<engine::ExecutionEnvironment> env) {
  if (!env) return;
  const int id = env->id();
  env.reset();  // SHUTDOWN: kills its processes, removes its cgroup
  log_.forget(id);
}

}  // namespace sweetspot::lambda_api
