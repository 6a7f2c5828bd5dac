// Signed requests to one AWS service endpoint, retried the way AWS's SDKs do:
// throttling (429, ThrottlingException), 5xx and dropped connections are tried
// again after an exponential backoff with full jitter; anything else is
// answered at once. Each attempt is signed afresh (its own X-Amz-Date).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "aws/sigv4.h"
#include "util/error.h"

namespace sweetspot::aws {

struct ServiceEndpoint {
  std::string url;  // scheme://host[:port], no trailing slash
  SigningScope scope;
};

// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL (as the AWS CLI reads them),
// then https://<service>.<region>.amazonaws.com.
std::string default_endpoint_url(const std::string& service, const std::string& region,
                                 const std::function<std::string(const std::string&)>& env);

// Checks `url` is http(s)://host[:port] and drops a trailing '/'.
util::Result<std::string> normalize_endpoint_url(std::string url);

struct RetryPolicy {
  int max_attempts = 8;  // AWS_MAX_ATTEMPTS overrides
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{10000};
  // Checked between attempts: true stops retrying (Ctrl-C). Restore passes none.
  std::function<bool()> stop;
};

// A request before signing.
struct ApiRequest {
  std::string method;
  std::string path;  // already URI-encoded
  Parameters query;  // decoded
  Parameters headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};
};

// An answer that is not 2xx, with AWS's error code and message.
struct ApiError {
  long status = 0;  // 0: no HTTP answer (transport failure)
  std::string code;  // e.g. ResourceNotFoundException
  std::string message;
  std::string describe() const;  // "ResourceNotFoundException (404): Function not found: ..."
};

class ServiceClient {
 public:
  static util::Result<ServiceClient> create(ServiceEndpoint endpoint, Credentials credentials, RetryPolicy retry);

  // The final answer: a 2xx response, or the last error once retries ran out.
  std::expected<HttpResponse, ApiError> call(const ApiRequest& request);

  const ServiceEndpoint& endpoint() const { return endpoint_; }
  int attempts_made() const { return attempts_; }

 private:
  ServiceClient(ServiceEndpoint endpoint, Credentials credentials, RetryPolicy retry, HttpClient http)
      : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), retry_(std::move(retry)),
        http_(std::move(http)) {}

  std::string redact(std::string text) const;

  ServiceEndpoint endpoint_;
  Credentials credentials_;
  RetryPolicy retry_;
  HttpClient http_;
  int attempts_ = 0;
};

// AWS's error code and message from a JSON (Lambda) or XML (STS) error body.
ApiError parse_api_error(const HttpResponse& response);
bool is_retryable(const ApiError& error);

}  // namespace sweetspot::aws
