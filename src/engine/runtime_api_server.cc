#include "engine/runtime_api_server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "engine/lambda_limits.h"

namespace sweetspot::engine {
namespace {

constexpr const char* kPrefix = "/2018-06-01/runtime";

void send_error(httplib::Response& res, int status, std::string_view type, std::string_view message) {
  res.status = status;
  res.set_content(nlohmann::json{{"errorType", type}, {"errorMessage", message}}.dump(), "application/json");
}

void send_accepted(httplib::Response& res) {
  res.status = 202;
  res.set_content(R"({"status":"OK"})", "application/json");
}

// The error type a runtime reports: its header wins, then the body's errorType.
std::string error_type_of(const httplib::Request& req) {
  if (req.has_header("Lambda-Runtime-Function-Error-Type")) {
    return req.get_header_value("Lambda-Runtime-Function-Error-Type");
  }
  const auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("errorType") && body["errorType"].is_string()) {
    return body["errorType"].get<std::string>();
  }
  return "Unhandled";
}

}  // namespace

RuntimeApiServer::RuntimeApiServer(Hooks hooks) : hooks_(std::move(hooks)), server_(std::make_unique<httplib::Server>()) {}

util::Result<std::unique_ptr<RuntimeApiServer>> RuntimeApiServer::create(Hooks hooks) {
  std::unique_ptr<RuntimeApiServer> self(new RuntimeApiServer(std::move(hooks)));
  auto& svr = *self->server_;
  // Runtimes keep one connection for the life of the environment, and may sit
  // in a handler for up to 15 minutes between requests.
  svr.set_keep_alive_max_count(std::numeric_limits<size_t>::max());
  svr.set_keep_alive_timeout(24 * 3600);
  svr.set_read_timeout(900, 0);
  svr.set_write_timeout(900, 0);
  // Oversized bodies are read and refused by the handlers, with Lambda's errors.
  svr.set_payload_max_length(std::numeric_limits<size_t>::max());
  svr.set_tcp_nodelay(true);
  self->install_routes();
  const int port = svr.bind_to_any_port("127.0.0.1");
  if (port <= 0) return util::fail("cannot bind the Runtime API server to 127.0.0.1");
  self->address_ = "127.0.0.1:" + std::to_string(port);
  self->listener_ = std::thread([s = self.get()] { s->server_->listen_after_bind(); });
  // stop() is a no-op until the listener runs: wait for it, or a quick shutdown
  // would leave the listener blocked in accept() for ever.
  while (!svr.is_running()) std::this_thread::yield();
  return self;
}

RuntimeApiServer::~RuntimeApiServer() { stop(); }

void RuntimeApiServer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void RuntimeApiServer::install_routes() {
  auto& svr = *server_;
  svr.Get(std::string(kPrefix) + "/invocation/next", [this](const httplib::Request&, httplib::Response& res) {
    std::unique_lock lock(mutex_);
    if (!initialized_) {
      initialized_ = true;
      init_done_at_ = util::Clock::now();
      changed_.notify_all();
    }
    while (!pending_ && !stopping_) {
      if (!idle_hook_ran_ && hooks_.on_idle) hooks_.on_idle();
      idle_hook_ran_ = true;
      changed_.wait(lock);
    }
    if (stopping_) {
      send_error(res, 500, "ServiceException", "the execution environment is shutting down");
      return;
    }
    InvokeEvent event = std::move(*pending_);
    pending_.reset();
    current_id_ = event.request_id;
    known_ids_.insert(event.request_id);
    res.status = 200;
    res.set_header("Lambda-Runtime-Aws-Request-Id", event.request_id);
    res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(event.deadline_epoch_ms));
    res.set_header("Lambda-Runtime-Invoked-Function-Arn", event.function_arn);
    res.set_header("Lambda-Runtime-Trace-Id", event.trace_id);
    if (event.client_context) res.set_header("Lambda-Runtime-Client-Context", *event.client_context);
    if (event.cognito_identity) res.set_header("Lambda-Runtime-Cognito-Identity", *event.cognito_identity);
    res.set_content(std::move(event.payload), "application/json");
    delivered_at_ = util::Clock::now();
  });

  auto post_result = [this](RuntimeReport::Kind kind) {
    return [this, kind](const httplib::Request& req, httplib::Response& res) {
      const auto at = util::Clock::now();
      const std::string id = req.matches[1].str();
      std::lock_guard lock(mutex_);
      if (!known_ids_.contains(id)) {
        send_error(res, 400, "InvalidRequestID", "Invalid request ID: " + id);
        return;
      }
      if (id != current_id_ || result_) {
        send_error(res, 403, "InvalidStateTransition", "State transition from Ready to Invoke is not allowed");
        return;
      }
      RuntimeReport report{kind, req.body, "", at};
      if (kind == RuntimeReport::Kind::kError) report.error_type = error_type_of(req);
      const bool too_large = req.body.size() > static_cast<size_t>(kMaxPayloadBytes);
      if (too_large) {
        report.kind = RuntimeReport::Kind::kResponseTooLarge;
        report.error_type = "Function.ResponseSizeTooLarge";
        report.body = nlohmann::json{{"errorType", report.error_type},
                                     {"errorMessage", "Response payload size exceeded maximum allowed payload size (" +
                                                          std::to_string(kMaxPayloadBytes) + " bytes)."}}
                          .dump();
      }
      result_ = std::move(report);
      current_id_.clear();
      idle_hook_ran_ = false;
      changed_.notify_all();
      if (too_large) {
        send_error(res, 413, "RequestEntityTooLarge", "Exceeded maximum allowed payload size (" +
                                                          std::to_string(kMaxPayloadBytes) + " bytes).");
      } else {
        send_accepted(res);
      }
    };
  };
  svr.Post(std::string(kPrefix) + "/invocation/([^/]+)/response", post_result(RuntimeReport::Kind::kResponse));
  svr.Post(std::string(kPrefix) + "/invocation/([^/]+)/error", post_result(RuntimeReport::Kind::kError));

  svr.Post(std::string(kPrefix) + "/init/error", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    if (initialized_) {
      send_error(res, 403, "InvalidStateTransition", "State transition from Ready to InitError is not allowed");
      return;
    }
    init_error_ = RuntimeReport{RuntimeReport::Kind::kError, req.body, error_type_of(req), util::Clock::now()};
    changed_.notify_all();
    send_accepted(res);
  });
}

WaitResult RuntimeApiServer::wait_for_init(util::Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return initialized_ || init_error_ || runtime_exited_ || stopping_; });
  if (initialized_) return WaitResult::kDone;
  if (init_error_) return WaitResult::kInitError;
  if (runtime_exited_ || stopping_) return WaitResult::kRuntimeExited;
  return WaitResult::kDeadline;
}

util::Clock::time_point RuntimeApiServer::init_done_at() const {
  std::lock_guard lock(mutex_);
  return init_done_at_;
}

std::optional<RuntimeReport> RuntimeApiServer::init_error() const {
  std::lock_guard lock(mutex_);
  return init_error_;
}

void RuntimeApiServer::deliver(InvokeEvent event) {
  {
    std::lock_guard lock(mutex_);
    result_.reset();
    pending_ = std::move(event);
    if (idle_hook_ran_ && hooks_.on_wake) hooks_.on_wake();
    idle_hook_ran_ = false;
  }
  changed_.notify_all();
}

WaitResult RuntimeApiServer::wait_for_result(util::Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return result_.has_value() || runtime_exited_ || stopping_; });
  if (result_) return WaitResult::kDone;
  if (runtime_exited_ || stopping_) return WaitResult::kRuntimeExited;
  return WaitResult::kDeadline;
}

util::Clock::time_point RuntimeApiServer::delivered_at() const {
  std::lock_guard lock(mutex_);
  return delivered_at_;
}

RuntimeReport RuntimeApiServer::take_result() {
  std::lock_guard lock(mutex_);
  RuntimeReport r = std::move(*result_);
  result_.reset();
  return r;
}

void RuntimeApiServer::abandon_current() {
  std::lock_guard lock(mutex_);
  pending_.reset();
  current_id_.clear();
}

void RuntimeApiServer::detach_hooks() {
  std::lock_guard lock(mutex_);
  hooks_ = {};
}

void RuntimeApiServer::notify_runtime_exited() {
  {
    std::lock_guard lock(mutex_);
    runtime_exited_ = true;
  }
  changed_.notify_all();
}

}  // namespace sweetspot::engine
