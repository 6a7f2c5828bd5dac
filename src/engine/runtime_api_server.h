// The Runtime API (2018-06-01) that one execution environment's runtime talks to:
// long-poll /next, response, error and init error, with Lambda's headers, status
// codes and 6 MB limits. One server per environment, on 127.0.0.1 and a port of
// its own, so concurrent environments never see each other's invokes.
//
// One thread serves everything (a poll loop): the listening socket, every
// connection (a waiting /next is parked, not a blocked thread), and the file
// descriptors the environment asks it to watch (the runtime's log pipe and its
// pidfd). Everything a runtime sends is bounded (HttpRequestParser): nothing
// past Lambda's limits is read into memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "util/clock.h"
#include "util/error.h"
#include "util/unique_fd.h"

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
  // Run on the server's own thread, never under its lock (so waits and results go
  // on while a freeze polls the kernel): `on_idle` when the runtime waits on /next
  // with nothing to do (the environment freezes), `on_wake` before an event is
  // handed over (it thaws). They must not call back into the server.
  struct Hooks {
    std::function<void()> on_idle;
    std::function<void()> on_wake;
  };
  // Called on the server's thread when the watched descriptor is readable or
  // hung up; returning false stops watching it.
  using Watcher = std::function<bool()>;

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

  // Installs the hooks (replacing any): call it once what they use exists, so
  // that the server's thread sees it (a hook and this take the same lock).
  void attach_hooks(Hooks hooks);
  // No hook runs after this returns (and none is running): called before the
  // environment is torn down, so a late /next cannot freeze a dying group.
  void detach_hooks();

  // The runtime process is gone: every wait returns kRuntimeExited.
  void notify_runtime_exited();

  // Watches `fd` (not owned) on the server's thread until `watcher` returns false
  // or the server stops.
  void watch(int fd, Watcher watcher);
  // Returns once every watcher still registered has been dropped (none is running).
  void unwatch_all();

  // How many request ids the server remembers, to tell an unknown id (400) from
  // one answered already (403): the most recent ones only, so the memory of a
  // long-lived environment stays flat.
  static constexpr size_t kRememberedIds = 32;

 private:
  struct Connection;
  struct Watch {
    int fd;
    Watcher watcher;
  };

  explicit RuntimeApiServer(Hooks hooks);
  void loop();
  void serve();
  void wake();
  void run_hook(const std::function<void()> Hooks::*which);
  void accept_connections();
  bool on_readable(Connection& conn);
  bool handle_request(Connection& conn);  // false: close after the answer
  void handle_oversize(Connection& conn);
  void hand_over_pending();
  void send(Connection& conn, int status, std::string_view body, const std::vector<std::pair<std::string, std::string>>& headers = {},
            bool close = false);
  bool flush(Connection& conn);
  void stop();

  util::UniqueFd listen_fd_;
  util::UniqueFd wake_fd_;  // eventfd: deliver(), watch() and stop() wake the loop
  std::string address_;
  std::thread thread_;
  std::deque<std::unique_ptr<Connection>> connections_;  // touched by the loop only

  std::mutex hooks_mutex_;  // held while a hook runs, and by detach_hooks()
  Hooks hooks_;
  bool idle_hook_ran_ = false;  // loop thread only

  std::mutex watch_mutex_;
  std::vector<Watch> new_watches_;
  bool drop_watches_ = false;
  std::condition_variable watches_dropped_;
  std::vector<Watch> watches_;  // loop thread only

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool initialized_ = false;
  util::Clock::time_point init_done_at_{};
  std::optional<RuntimeReport> init_error_;
  std::optional<InvokeEvent> pending_;
  std::string current_id_;              // delivered, awaiting a result
  std::deque<std::string> known_ids_;   // the last kRememberedIds delivered
  util::Clock::time_point delivered_at_{};
  std::optional<RuntimeReport> result_;
  bool runtime_exited_ = false;
  bool stopping_ = false;
};

}  // namespace sweetspot::engine
