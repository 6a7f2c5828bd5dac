// A Lambda API request and response as plain values, independent of sockets and
// of the HTTP library, so that routing and every handler can be tested (and
// fuzzed) by calling them directly.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sweetspot::lambda_api {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent, still percent-encoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  // The body was longer than the 6 MB Lambda accepts: it was read and dropped,
  // never kept, and `body` is empty.
  bool body_too_large = false;

  // The header's value, or "" when absent (`name` in lower case).
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ApiResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
};

}  // namespace sweetspot::lambda_api
