// The Invoker of `serve`: synchronous invokes go straight to the environment
// pool (429 when it is full), Event invokes through the background queue.
#pragma once

#include <functional>
#include <memory>

#include "lambda_api/environment_pool.h"
#include "lambda_api/event_queue.h"
#include "lambda_api/invoker.h"

namespace sweetspot::lambda_api {

class LocalInvoker : public Invoker {
 public:
  static constexpr size_t kEventQueueCapacity = 1000;

  static util::Result<std::unique_ptr<LocalInvoker>> create(PoolOptions options,
                                                            std::function<void(const std::string&)> on_event_failure);
  ~LocalInvoker() override;

  std::expected<engine_api::Invocation, ApiError> invoke(const Resolved& target, const engine::InvokeInput& input) override;
  std::expected<void, ApiError> enqueue_event(const Resolved& target, std::string payload) override;
  void retire(std::string_view function_name, std::string_view version) override;

  // Stops taking invokes: queued events are dropped, running invokes finish.
  void shutdown();
  EnvironmentPool& pool() { return *pool_; }
  EventQueue& events() { return *events_; }

 private:
  LocalInvoker() = default;
  std::unique_ptr<EnvironmentPool> pool_;
  std::unique_ptr<EventQueue> events_;
};

}  // namespace sweetspot::lambda_api
