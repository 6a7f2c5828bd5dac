#include "engine/runtime_api_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "engine/http_request_parser.h"
#include "engine_api/lambda_limits.h"

namespace sweetspot::engine {

using engine_api::kMaxPayloadBytes;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr size_t kMaxConnections = 64;
constexpr size_t kReadChunk = 64 * 1024;
// After a 413 the rest of an oversize body is read and thrown away (never kept),
// up to this much, so the runtime's client can read the answer; then the
// connection is closed.
constexpr size_t kDiscardBudget = 64u << 20;

std::string error_body(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorType", type}, {"errorMessage", message}}.dump(-1, ' ', false,
                                                                             nlohmann::json::error_handler_t::replace);
}

std::string too_large_message() {
  return "Exceeded maximum allowed payload size (" + std::to_string(kMaxPayloadBytes) + " bytes).";
}

const char* reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

// The error type a runtime reports: its header wins, then the body's errorType.
std::string error_type_of(const HttpRequest& req) {
  if (const std::string* type = req.header("lambda-runtime-function-error-type")) return *type;
  const auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("errorType") && body["errorType"].is_string()) {
    return body["errorType"].get<std::string>();
  }
  return "Unhandled";
}

// What a request asks for, from its path under /2018-06-01/runtime/.
struct Route {
  enum class Kind { kNext, kResponse, kError, kInitError, kUnknown };
  Kind kind = Kind::kUnknown;
  std::string id;
  const char* method = "";
};

Route route_of(std::string_view target) {
  if (const size_t q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (!target.starts_with(kPrefix)) return {};
  const std::string_view path = target.substr(kPrefix.size());
  if (path == "invocation/next") return {Route::Kind::kNext, "", "GET"};
  if (path == "init/error") return {Route::Kind::kInitError, "", "POST"};
  constexpr std::string_view kInvocation = "invocation/";
  if (!path.starts_with(kInvocation)) return {};
  const std::string_view rest = path.substr(kInvocation.size());
  const size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return {};
  const std::string_view id = rest.substr(0, slash);
  const std::string_view action = rest.substr(slash + 1);
  if (action == "response") return {Route::Kind::kResponse, std::string(id), "POST"};
  if (action == "error") return {Route::Kind::kError, std::string(id), "POST"};
  return {};
}

}  // namespace

struct RuntimeApiServer::Connection {
  util::UniqueFd fd;
  HttpRequestParser parser{HttpLimits{.max_body_bytes = static_cast<size_t>(kMaxPayloadBytes)}};
  std::string out;
  size_t out_offset = 0;
  bool parked = false;          // a /next waiting for an event
  bool continue_sent = false;   // "100 Continue" for this request
  bool close_after_write = false;
  size_t discard_left = 0;      // bytes of an oversize body still to throw away
  bool dead = false;
};

RuntimeApiServer::RuntimeApiServer(Hooks hooks) : hooks_(std::move(hooks)) {}

util::Result<std::unique_ptr<RuntimeApiServer>> RuntimeApiServer::create(Hooks hooks) {
  std::unique_ptr<RuntimeApiServer> self(new RuntimeApiServer(std::move(hooks)));
  self->listen_fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!self->listen_fd_) return std::unexpected(util::host_error(util::errno_error("cannot create the Runtime API socket")));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(self->listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(self->listen_fd_.get(), 16) != 0 ||
      ::getsockname(self->listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return std::unexpected(util::host_error(util::errno_error("cannot bind the Runtime API server to 127.0.0.1")));
  }
  self->address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  self->wake_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!self->wake_fd_) return std::unexpected(util::host_error(util::errno_error("cannot create an eventfd")));
  self->thread_ = std::thread([s = self.get()] { s->loop(); });
  return self;
}

RuntimeApiServer::~RuntimeApiServer() { stop(); }

void RuntimeApiServer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(watch_mutex_);
  watches_dropped_.notify_all();
}

void RuntimeApiServer::wake() {
  const uint64_t one = 1;
  (void)!::write(wake_fd_.get(), &one, sizeof one);
}

void RuntimeApiServer::run_hook(const std::function<void()> Hooks::*which) {
  std::lock_guard lock(hooks_mutex_);
  if (const auto& hook = hooks_.*which) hook();
}

void RuntimeApiServer::loop() {
  try {
    serve();
  } catch (const std::exception&) {
    // Out of memory, most likely: the environment cannot go on, and no exception
    // may leave a thread. Every wait now ends as if the runtime had gone.
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  connections_.clear();
  std::lock_guard lock(watch_mutex_);
  watches_.clear();
  new_watches_.clear();
  drop_watches_ = false;
  watches_dropped_.notify_all();
}

void RuntimeApiServer::serve() {
  std::vector<pollfd> fds;
  enum class What { kWake, kListen, kConnection, kWatch };
  std::vector<std::pair<What, size_t>> what;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    fds.clear();
    what.clear();
    fds.push_back({wake_fd_.get(), POLLIN, 0});
    what.emplace_back(What::kWake, 0);
    if (connections_.size() < kMaxConnections) {
      fds.push_back({listen_fd_.get(), POLLIN, 0});
      what.emplace_back(What::kListen, 0);
    }
    for (size_t i = 0; i < connections_.size(); ++i) {
      const Connection& c = *connections_[i];
      short events = c.parked ? POLLRDHUP : POLLIN;
      if (c.out_offset < c.out.size()) events |= POLLOUT;
      fds.push_back({c.fd.get(), events, 0});
      what.emplace_back(What::kConnection, i);
    }
    for (size_t i = 0; i < watches_.size(); ++i) {
      fds.push_back({watches_[i].fd, POLLIN, 0});
      what.emplace_back(What::kWatch, i);
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    std::vector<size_t> finished_watches;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      const auto [kind, index] = what[k];
      switch (kind) {
        case What::kWake: {
          uint64_t n;
          (void)!::read(wake_fd_.get(), &n, sizeof n);
          break;
        }
        case What::kListen: accept_connections(); break;
        case What::kConnection: {
          Connection& c = *connections_[index];
          if (c.dead) break;
          if ((fds[k].revents & POLLOUT) && !flush(c)) break;
          if (fds[k].revents & (POLLIN | POLLHUP | POLLERR | POLLRDHUP)) {
            if (c.parked) {
              c.dead = true;  // a waiting /next hung up (or sent more: runtimes never pipeline)
            } else {
              on_readable(c);
            }
          }
          break;
        }
        case What::kWatch:
          if (!watches_[index].watcher()) finished_watches.push_back(index);
          break;
      }
    }
    for (auto it = finished_watches.rbegin(); it != finished_watches.rend(); ++it) {
      watches_.erase(watches_.begin() + static_cast<std::ptrdiff_t>(*it));
    }
    std::erase_if(connections_, [](const auto& c) { return c->dead; });
    {
      std::lock_guard lock(watch_mutex_);
      if (drop_watches_) {
        watches_.clear();
        new_watches_.clear();
        drop_watches_ = false;
        watches_dropped_.notify_all();
      }
      for (auto& w : new_watches_) watches_.push_back(std::move(w));
      new_watches_.clear();
    }
    hand_over_pending();
  }
}

void RuntimeApiServer::accept_connections() {
  while (connections_.size() < kMaxConnections) {
    util::UniqueFd fd(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;  // EAGAIN: no more for now
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto conn = std::make_unique<Connection>();
    conn->fd = std::move(fd);
    connections_.push_back(std::move(conn));
  }
}

bool RuntimeApiServer::on_readable(Connection& conn) {
  thread_local std::string buffer(kReadChunk, '\0');
  const ssize_t n = ::read(conn.fd.get(), buffer.data(), buffer.size());
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    conn.dead = true;
    return false;
  }
  if (n < 0) return true;
  if (conn.discard_left > 0) {
    conn.discard_left -= std::min(conn.discard_left, static_cast<size_t>(n));
    if (conn.discard_left == 0) conn.dead = true;
    return true;
  }
  std::string_view data(buffer.data(), static_cast<size_t>(n));
  while (!data.empty() && !conn.dead && !conn.parked && !conn.close_after_write) {
    data.remove_prefix(conn.parser.feed(data));
    switch (conn.parser.state()) {
      case HttpRequestParser::State::kHead: break;
      case HttpRequestParser::State::kBody:
        if (conn.parser.expects_continue() && !conn.continue_sent) {
          conn.continue_sent = true;
          conn.out += "HTTP/1.1 100 Continue\r\n\r\n";
          flush(conn);
        }
        break;
      case HttpRequestParser::State::kComplete: {
        const bool keep = handle_request(conn);
        conn.parser.reset();
        conn.continue_sent = false;
        if (!keep) conn.close_after_write = true;
        break;
      }
      case HttpRequestParser::State::kError:
        switch (conn.parser.error()) {
          case HttpRequestParser::Error::kBodyTooLarge: handle_oversize(conn); break;
          case HttpRequestParser::Error::kHeadTooLarge:
            send(conn, 431, error_body("InvalidRequest", "request headers too large"), {}, true);
            break;
          case HttpRequestParser::Error::kUnsupported:
            send(conn, 501, error_body("InvalidRequest", "unsupported HTTP version or transfer encoding"), {}, true);
            break;
          default: send(conn, 400, error_body("InvalidRequest", "malformed HTTP request"), {}, true); break;
        }
        return false;
    }
  }
  return true;
}

void RuntimeApiServer::handle_oversize(Connection& conn) {
  const HttpRequest& req = conn.parser.request();
  const Route route = route_of(req.target);
  const auto at = util::Clock::now();
  const std::string message =
      "Response payload size exceeded maximum allowed payload size (" + std::to_string(kMaxPayloadBytes) + " bytes).";
  {
    std::lock_guard lock(mutex_);
    if ((route.kind == Route::Kind::kResponse || route.kind == Route::Kind::kError) && route.id == current_id_ &&
        !result_) {
      result_ = RuntimeReport{RuntimeReport::Kind::kResponseTooLarge,
                              error_body("Function.ResponseSizeTooLarge", message), "Function.ResponseSizeTooLarge", at};
      current_id_.clear();
      changed_.notify_all();
    } else if (route.kind == Route::Kind::kInitError && !initialized_ && !init_error_) {
      init_error_ = RuntimeReport{RuntimeReport::Kind::kError,
                                  error_body("Function.ResponseSizeTooLarge", "Init error " + message),
                                  "Function.ResponseSizeTooLarge", at};
      changed_.notify_all();
    }
  }
  conn.discard_left = kDiscardBudget;  // before send(): it closes at once without
  send(conn, 413, error_body("RequestEntityTooLarge", too_large_message()), {}, true);
}

bool RuntimeApiServer::handle_request(Connection& conn) {
  HttpRequest& req = conn.parser.request();
  const bool keep = req.keep_alive();
  const Route route = route_of(req.target);
  if (route.kind == Route::Kind::kUnknown) {
    send(conn, 404, error_body("InvalidRequest", "no such Runtime API path: " + req.target.substr(0, 200)), {}, !keep);
    return keep;
  }
  if (req.method != route.method) {
    send(conn, 405, error_body("InvalidRequest", "use " + std::string(route.method) + " for this path"), {}, !keep);
    return keep;
  }
  const auto at = util::Clock::now();
  switch (route.kind) {
    case Route::Kind::kNext: {
      bool idle = false;
      {
        std::lock_guard lock(mutex_);
        if (!initialized_) {
          initialized_ = true;
          init_done_at_ = at;
          changed_.notify_all();
        }
        // Decided together with the check for an event, so a deliver() from now
        // on finds the environment (about to be) frozen and thaws it first.
        if (!pending_ && !idle_hook_ran_) idle = idle_hook_ran_ = true;
      }
      conn.parked = true;
      conn.close_after_write = !keep;
      // Nothing to do: the environment freezes until the next event.
      if (idle) run_hook(&Hooks::on_idle);
      hand_over_pending();
      return true;
    }
    case Route::Kind::kResponse:
    case Route::Kind::kError: {
      int status = 202;
      {
        std::lock_guard lock(mutex_);
        if (std::ranges::find(known_ids_, route.id) == known_ids_.end()) {
          status = 400;
        } else if (route.id != current_id_ || result_) {
          status = 403;
        } else {
          RuntimeReport report{route.kind == Route::Kind::kResponse ? RuntimeReport::Kind::kResponse
                                                                     : RuntimeReport::Kind::kError,
                               "", "", at};
          if (report.kind == RuntimeReport::Kind::kError) report.error_type = error_type_of(req);
          report.body = std::move(req.body);
          result_ = std::move(report);
          current_id_.clear();
          changed_.notify_all();
        }
      }
      if (status == 400) {
        send(conn, 400, error_body("InvalidRequestID", "Invalid request ID: " + route.id.substr(0, 200)), {}, !keep);
      } else if (status == 403) {
        send(conn, 403, error_body("InvalidStateTransition", "State transition from Ready to Invoke is not allowed"), {},
             !keep);
      } else {
        send(conn, 202, R"({"status":"OK"})", {}, !keep);
      }
      return keep;
    }
    case Route::Kind::kInitError: {
      bool accepted = false;
      {
        std::lock_guard lock(mutex_);
        if (!initialized_ && !init_error_) {
          init_error_ = RuntimeReport{RuntimeReport::Kind::kError, req.body, error_type_of(req), at};
          accepted = true;
          changed_.notify_all();
        }
      }
      if (accepted) {
        send(conn, 202, R"({"status":"OK"})", {}, !keep);
      } else {
        send(conn, 403, error_body("InvalidStateTransition", "State transition from Ready to InitError is not allowed"),
             {}, !keep);
      }
      return keep;
    }
    case Route::Kind::kUnknown: break;
  }
  return keep;
}

void RuntimeApiServer::hand_over_pending() {
  auto parked = std::ranges::find_if(connections_, [](const auto& c) { return c->parked && !c->dead; });
  if (parked == connections_.end()) return;
  InvokeEvent event;
  {
    std::lock_guard lock(mutex_);
    if (!pending_) return;
    event = std::move(*pending_);
    pending_.reset();
    current_id_ = event.request_id;
    known_ids_.push_back(event.request_id);
    if (known_ids_.size() > kRememberedIds) known_ids_.pop_front();
  }
  if (idle_hook_ran_) {
    run_hook(&Hooks::on_wake);
    idle_hook_ran_ = false;
  }
  Connection& conn = **parked;
  conn.parked = false;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Lambda-Runtime-Aws-Request-Id", event.request_id},
      {"Lambda-Runtime-Deadline-Ms", std::to_string(event.deadline_epoch_ms)},
      {"Lambda-Runtime-Invoked-Function-Arn", event.function_arn},
      {"Lambda-Runtime-Trace-Id", event.trace_id},
  };
  if (event.client_context) headers.emplace_back("Lambda-Runtime-Client-Context", *event.client_context);
  if (event.cognito_identity) headers.emplace_back("Lambda-Runtime-Cognito-Identity", *event.cognito_identity);
  {
    std::lock_guard lock(mutex_);
    delivered_at_ = util::Clock::now();
  }
  send(conn, 200, event.payload, headers, conn.close_after_write);
}

void RuntimeApiServer::send(Connection& conn, int status, std::string_view body,
                            const std::vector<std::pair<std::string, std::string>>& headers, bool close) {
  std::string& out = conn.out;
  if (conn.out_offset == out.size()) {
    out.clear();
    conn.out_offset = 0;
  }
  out += "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) {
    // A header value never carries a line break (it would forge headers).
    if (value.find_first_of("\r\n") != std::string::npos) continue;
    out += name + ": " + value + "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  out.append(body);
  if (close) conn.close_after_write = true;
  flush(conn);
}

bool RuntimeApiServer::flush(Connection& conn) {
  while (conn.out_offset < conn.out.size()) {
    const ssize_t n = ::send(conn.fd.get(), conn.out.data() + conn.out_offset, conn.out.size() - conn.out_offset,
                             MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      conn.dead = true;
      return false;
    }
    conn.out_offset += static_cast<size_t>(n);
  }
  conn.out.clear();
  conn.out_offset = 0;
  if (conn.close_after_write && !conn.parked) {
    if (conn.discard_left > 0) {
      ::shutdown(conn.fd.get(), SHUT_WR);  // the answer is out; read (and drop) the rest of the body
    } else {
      conn.dead = true;
    }
  }
  return !conn.dead;
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
  }
  wake();
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

void RuntimeApiServer::attach_hooks(Hooks hooks) {
  std::lock_guard lock(hooks_mutex_);
  hooks_ = std::move(hooks);
}

void RuntimeApiServer::detach_hooks() {
  std::lock_guard lock(hooks_mutex_);
  hooks_ = {};
}

void RuntimeApiServer::notify_runtime_exited() {
  {
    std::lock_guard lock(mutex_);
    runtime_exited_ = true;
  }
  changed_.notify_all();
}

void RuntimeApiServer::watch(int fd, Watcher watcher) {
  {
    std::lock_guard lock(watch_mutex_);
    new_watches_.push_back({fd, std::move(watcher)});
  }
  wake();
}

void RuntimeApiServer::unwatch_all() {
  std::unique_lock lock(watch_mutex_);
  if (!thread_.joinable() || std::this_thread::get_id() == thread_.get_id()) {
    watches_.clear();
    new_watches_.clear();
    return;
  }
  {
    std::lock_guard state(mutex_);
    if (stopping_) return;
  }
  drop_watches_ = true;
  wake();
  watches_dropped_.wait(lock, [&] { return !drop_watches_; });
}

}  // namespace sweetspot::engine
