// Carries the Service over HTTP/1.1 with cpp-httplib: bound to loopback unless
// told otherwise, request bodies over 6 MB read and dropped (never buffered),
// no exception leaving a connection thread.
#pragma once

#include <memory>
#include <string>

#include "lambda_api/service.h"
#include "util/error.h"

namespace httplib {
class Server;
}

namespace sweetspot::lambda_api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 9001;  // 0: any free port (see port())
  int threads = 16;  // connections served at once
};

class HttpServer {
 public:
  // Binds the socket; fails with the reason when it cannot.
  static util::Result<std::unique_ptr<HttpServer>> create(Service& service, const HttpServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Serves until stop(); returns once the connection threads are done.
  void run();
  // Stops accepting; may be called from any thread, also before run().
  void stop();

 private:
  HttpServer();
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
};

}  // namespace sweetspot::lambda_api
