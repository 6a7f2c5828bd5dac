// Event (asynchronous) invokes: accepted at once with 202, kept in a bounded
// queue and run in the background by one worker, which waits for a free
// environment instead of being throttled. Their logs reach the same EngineEvents
// as every other invoke.
#pragma once

#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "lambda_api/api_error.h"
#include "lambda_api/environment_pool.h"
#include "lambda_api/registry.h"

namespace sweetspot::lambda_api {

class EventQueue {
 public:
  // `on_failure` hears about events that could not run at all (not about
  // function errors, which are in the log); it is called from the worker.
  EventQueue(EnvironmentPool& pool, size_t capacity, std::function<void(const std::string&)> on_failure);
  ~EventQueue();  // stop()
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // TooManyRequestsException when `capacity` events are already waiting.
  std::expected<void, ApiError> submit(Resolved target, std::string payload);
  // Drops the events not yet started, lets the running one finish, joins the worker.
  void stop();
  // Blocks until no event is queued or running (for tests and an orderly exit).
  void wait_idle();

 private:
  struct Event {
    Resolved target;
    std::string payload;
  };
  void run();

  EnvironmentPool& pool_;
  size_t capacity_;
  std::function<void(const std::string&)> on_failure_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> events_;
  bool running_event_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace sweetspot::lambda_api
