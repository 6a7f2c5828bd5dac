// The Runtime API (2018-06-01) that one execution environment's runtime talks to:
// long-poll /next, response, error and init error, with Lambda's headers, status
// codes and 6 MB limits. One server per environment, on 127.0.0.1 and a port of
// its own, so concurrent environments never see each other's invokes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "util/clock.h"
#include "util/error.h"

namespace httplib {
class Server;
}

namespace sweetspot::engine {

struct InvokeEvent {
  std::string request_id;
  std::string payload;
  int64_t deadline_epoch_ms = 0;
  std::string function_arn;
  std::string trace_id;
  std::optional<std::string> client_context;    // JSON, as Lambda-Runtime-Client-Context
  std::optional<std::string> cognito_identity;  // JSON, as Lambda-Runtime-Cognito-Identity
};

// What the runtime posted for an invoke, or for init.
struct RuntimeReport {
  enum class Kind { kResponse, kError, kResponseTooLarge };
  Kind kind = Kind::kResponse;
  std::string body;
  std::string error_type;  // for errors: the header, else the body's errorType
  util::Clock::time_point at;
};

enum class WaitResult { kDone, kInitError, kRuntimeExited, kDeadline };

class RuntimeApiServer {
 public:
  // Called with the server's lock held: `on_idle` when the runtime waits on /next
  // with nothing to do (the environment freezes), `on_wake` before an event is
  // handed over (it thaws). Both must be quick and must not call back in.
  struct Hooks {
    std::function<void()> on_idle;
    std::function<void()> on_wake;
  };

  static util::Result<std::unique_ptr<RuntimeApiServer>> create(Hooks hooks);
  ~RuntimeApiServer();
  RuntimeApiServer(const RuntimeApiServer&) = delete;
  RuntimeApiServer& operator=(const RuntimeApiServer&) = delete;

  // host:port, the value of AWS_LAMBDA_RUNTIME_API.
  const std::string& address() const { return address_; }

  // Init ends when the runtime first calls /next.
  WaitResult wait_for_init(util::Clock::time_point deadline);
  util::Clock::time_point init_done_at() const;
  std::optional<RuntimeReport> init_error() const;

  // Hands `event` to the runtime's pending (or next) /next.
  void deliver(InvokeEvent event);
  // Waits for the runtime's response or error to the delivered event.
  WaitResult wait_for_result(util::Clock::time_point deadline);
  util::Clock::time_point delivered_at() const;
  RuntimeReport take_result();
  // After a timeout or crash: whatever the runtime posts for this id is refused.
  void abandon_current();

  // No hook runs after this returns (and none is running): called before the
  // environment is torn down, so a late /next cannot freeze a dying group.
  void detach_hooks();

  // The runtime process is gone: every wait returns kRuntimeExited.
  void notify_runtime_exited();

 private:
  explicit RuntimeApiServer(Hooks hooks);
  void install_routes();
  void stop();

  Hooks hooks_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::string address_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool initialized_ = false;
  util::Clock::time_point init_done_at_{};
  std::optional<RuntimeReport> init_error_;
  std::optional<InvokeEvent> pending_;
  std::string current_id_;              // delivered, awaiting a result
  std::set<std::string> known_ids_;     // every id ever delivered
  util::Clock::time_point delivered_at_{};
  std::optional<RuntimeReport> result_;
  bool idle_hook_ran_ = false;
  bool runtime_exited_ = false;
  bool stopping_ = false;
};

}  // namespace sweetspot::engine
