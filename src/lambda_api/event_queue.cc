#include "lambda_api/event_queue.h"

#include <fmt/format.h>

namespace sweetspot::lambda_api {

EventQueue::EventQueue(EnvironmentPool& pool, size_t capacity, std::function<void(const std::string&)> on_failure)
    : pool_(pool), capacity_(capacity), on_failure_(std::move(on_failure)), worker_([this] { run(); }) {}

EventQueue::~EventQueue() { stop(); }

std::expected<void, ApiError> EventQueue::submit(Resolved target, std::string payload) {
  std::lock_guard lock(mutex_);
  if (stopping_) return std::unexpected(ApiError{ErrorCode::kService, "sweetspot serve is shutting down", {}});
  if (events_.size() >= capacity_) {
    return std::unexpected(ApiError{ErrorCode::kTooManyRequests,
                                    fmt::format("Rate Exceeded. {} Event invokes are already queued", capacity_),
                                    "ConcurrentInvocationLimitExceeded"});
  }
  events_.push_back(Event{std::move(target), std::move(payload)});
  changed_.notify_all();
  return {};
}

void EventQueue::stop() {
  size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    dropped = stopping_ ? 0 : events_.size();
    stopping_ = true;
    events_.clear();
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  // Lambda would still run them; a stopping local server cannot, so it says so.
  if (dropped > 0 && on_failure_) {
    on_failure_(fmt::format("{} queued Event invoke{} dropped: the server stopped before {} ran", dropped,
                            dropped == 1 ? " was" : "s were", dropped == 1 ? "it" : "they"));
  }
}

void EventQueue::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return (events_.empty() && !running_event_) || stopping_; });
}

void EventQueue::run() {
  while (true) {
    Event event;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !events_.empty(); });
      if (stopping_) return;
      event = std::move(events_.front());
      events_.pop_front();
      running_event_ = true;
    }
    // No exception may leave this thread: a failure becomes a message.
    try {
      auto ran = pool_.invoke(event.target, engine::InvokeInput(event.payload), Admission::kWaitForCapacity);
      if (!ran && on_failure_) {
        on_failure_(fmt::format("Event invoke of {} ({}) did not run: {}", event.target.function_name,
                                event.target.version, ran.error().message));
      }
    } catch (const std::exception& e) {
      if (on_failure_) on_failure_(fmt::format("Event invoke of {} failed: {}", event.target.function_name, e.what()));
    }
    std::lock_guard lock(mutex_);
    running_event_ = false;
    changed_.notify_all();
  }
}

}  // namespace sweetspot::lambda_api
