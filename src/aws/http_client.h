// One HTTP connection's worth of libcurl: an owned easy handle (reused, so
// requests keep the connection alive), one request at a time. Not shared
// between threads: each thread makes its own.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace sweetspot::aws {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // scheme://host[:port]/path?query, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  static util::Result<HttpClient> create();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // A transport failure (refused, reset, timed out, nothing received) is an
  // error; any HTTP status is a response.
  util::Result<HttpResponse> send(const HttpRequest& request);

 private:
  struct Handle;
  explicit HttpClient(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

}  // namespace sweetspot::aws
