#include "lambda_api/local_invoker.h"

namespace sweetspot::lambda_api {

util::Result<std::unique_ptr<LocalInvoker>> LocalInvoker::create(
    PoolOptions options, std::function<void(const std::string&)> on_event_failure) {
  auto pool = EnvironmentPool::create(std::move(options));
  if (!pool) return std::unexpected(pool.error());
  std::unique_ptr<LocalInvoker> invoker(new LocalInvoker());
  invoker->pool_ = std::move(*pool);
  invoker->events_ = std::make_unique<EventQueue>(*invoker->pool_, kEventQueueCapacity, std::move(on_event_failure));
  return invoker;
}

LocalInvoker::~LocalInvoker() { shutdown(); }

std::expected<engine_api::Invocation, ApiError> LocalInvoker::invoke(const Resolved& target,
                                                                 const engine::InvokeInput& input) {
  return pool_->invoke(target, input, Admission::kRejectWhenBusy);
}

std::expected<void, ApiError> LocalInvoker::enqueue_event(const Resolved& target, std::string payload) {
  return events_->submit(target, std::move(payload));
}

void LocalInvoker::retire(std::string_view function_name, std::string_view version) {
  pool_->retire(function_name, version);
}

void LocalInvoker::shutdown() {
  // The pool first: it wakes an event worker waiting there for capacity, so
  // that stopping the queue can join it.
  if (pool_) pool_->shutdown();
  if (events_) events_->stop();
}

}  // namespace sweetspot::lambda_api
