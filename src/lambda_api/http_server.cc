#include "lambda_api/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "engine_api/lambda_limits.h"

namespace sweetspot::lambda_api {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void write_response(const ApiResponse& api, httplib::Response& res) {
  res.status = api.status;
  for (const auto& [name, value] : api.headers) res.set_header(name, value);
  if (!api.body.empty()) res.set_content(api.body, api.content_type.c_str());
}

ApiRequest to_api_request(const httplib::Request& req, std::string body, bool too_large) {
  ApiRequest r;
  r.method = req.method;
  r.target = req.target;
  for (const auto& [name, value] : req.headers) r.headers[lower(name)] = value;
  r.body = std::move(body);
  r.body_too_large = too_large;
  return r;
}

}  // namespace

HttpServer::HttpServer() : server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { stop(); }

util::Result<std::unique_ptr<HttpServer>> HttpServer::create(Service& service, const HttpServerOptions& options) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  httplib::Server& s = *server->server_;
  const int threads = std::max(2, options.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  // httplib writes a response's headers and body separately: without
  // TCP_NODELAY, Nagle holds the body back until the client's delayed ACK (~40 ms).
  s.set_tcp_nodelay(true);
  // httplib reads and drops a body whose Content-Length is over this, and answers 413 itself.
  s.set_payload_max_length(static_cast<size_t>(engine_api::kMaxPayloadBytes));

  Service* svc = &service;
  // Requests without a body-reading handler (GET, DELETE).
  auto plain = [svc](const httplib::Request& req, httplib::Response& res) {
    try {
      write_response(svc->handle(to_api_request(req, req.body, false)), res);
    } catch (...) {
      res.status = 500;
    }
  };
  // POST and PUT read their body here, so that a chunked body over 6 MB is
  // dropped as it arrives instead of kept.
  auto with_body = [svc](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    try {
      std::string body;
      bool too_large = false;
      const bool read = reader([&](const char* data, size_t length) {
        if (body.size() + length > static_cast<size_t>(engine_api::kMaxPayloadBytes)) {
          too_large = true;
          body.clear();
          body.shrink_to_fit();
          return false;
        }
        body.append(data, length);
        return true;
      });
      if (!read && res.status == 413) too_large = true;
      if (!read && !too_large) {
        res.status = 400;
        return;
      }
      write_response(svc->handle(to_api_request(req, std::move(body), too_large)), res);
    } catch (...) {
      res.status = 500;
    }
  };
  s.Get(".*", plain);
  s.Delete(".*", plain);
  s.Post(".*", with_body);
  s.Put(".*", with_body);
  s.Patch(".*", plain);
  // A request httplib refused before any handler ran (e.g. a body over 6 MB on a
  // GET) still gets Lambda's error shape.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    ApiError error{ErrorCode::kInvalidRequestContent, fmt::format("the request could not be read (HTTP {})", res.status), {}};
    if (res.status == 413) {
      error = {ErrorCode::kRequestTooLarge,
               fmt::format("Request must be smaller than {} bytes for the InvokeFunction operation",
                           engine_api::kMaxPayloadBytes),
               {}};
    } else if (res.status == 404 || res.status == 405) {
      error = {ErrorCode::kUnknownOperation, "sweetspot serve does not answer this method", {}};
    }
    const int status = res.status;
    write_response(error_response(error), res);
    res.status = status;
  });

  if (options.port == 0) {
    server->port_ = s.bind_to_any_port(options.host);
    if (server->port_ < 0) return util::fail(fmt::format("cannot listen on {}: no free port", options.host));
  } else {
    if (!s.bind_to_port(options.host, options.port)) {
      return util::fail(fmt::format("cannot listen on {}:{}: the port is taken or the address is not this host's "
                                    "(choose another with --port / --host)",
                                    options.host, options.port));
    }
    server->port_ = options.port;
  }
  return server;
}

void HttpServer::run() { server_->listen_after_bind(); }

void HttpServer::stop() {
  if (server_) server_->stop();
}

}  // namespace sweetspot::lambda_api
