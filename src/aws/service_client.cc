#include "aws/service_client.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <thread>

namespace sweetspot::aws {
namespace {

std::string host_of(const std::string& url) {
  const size_t start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

std::string xml_tag(const std::string& body, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const size_t a = body.find(open);
  if (a == std::string::npos) return "";
  const size_t b = body.find(close, a);
  if (b == std::string::npos) return "";
  return body.substr(a + open.size(), b - a - open.size());
}

// Sleeps in short steps so that `stop` is noticed soon.
bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::function<bool()>& stop) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (stop && stop()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(50),
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()) +
            std::chrono::milliseconds(1)));
  }
  return !(stop && stop());
}

}  // namespace

std::string ApiError::describe() const {
  if (status == 0) return "no answer: " + message;
  if (code.empty()) return fmt::format("HTTP {}: {}", status, message.empty() ? "(no message)" : message);
  return fmt::format("{} (HTTP {}){}{}", code, status, message.empty() ? "" : ": ", message);
}

std::string default_endpoint_url(const std::string& service, const std::string& region,
                                 const std::function<std::string(const std::string&)>& env) {
  std::string upper = service;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (std::string url = env("AWS_ENDPOINT_URL_" + upper); !url.empty()) return url;
  if (std::string url = env("AWS_ENDPOINT_URL"); !url.empty()) return url;
  return fmt::format("https://{}.{}.amazonaws.com", service, region);
}

util::Result<std::string> normalize_endpoint_url(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  const bool scheme_ok = url.starts_with("http://") || url.starts_with("https://");
  const size_t host_start = url.find("://") + 3;
  if (!scheme_ok || host_start >= url.size() || url.find('/', host_start) != std::string::npos ||
      url.find_first_of("?# ", host_start) != std::string::npos) {
    return util::fail(fmt::format("endpoint URL \"{}\" must look like https://host or http://127.0.0.1:PORT", url));
  }
  return url;
}

ApiError parse_api_error(const HttpResponse& response) {
  ApiError error;
  error.status = response.status;
  // Lambda: X-Amzn-ErrorType "Code:http://..." and a JSON body {"message": ...}.
  std::string type = response.header("x-amzn-errortype");
  error.code = type.substr(0, type.find(':'));
  const auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_object()) {
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (json.contains(key) && json[key].is_string()) error.message = json[key].get<std::string>();
    }
    for (const char* key : {"__type", "Type", "code"}) {
      if (error.code.empty() && json.contains(key) && json[key].is_string()) {
        const std::string t = json[key].get<std::string>();
        error.code = t.substr(t.rfind('#') == std::string::npos ? 0 : t.rfind('#') + 1);
      }
    }
  } else if (response.body.find("<Error>") != std::string::npos) {
    error.code = xml_tag(response.body, "Code");
    error.message = xml_tag(response.body, "Message");
  } else {
    error.message = response.body.substr(0, 300);
  }
  if (error.code == "User" || error.code == "Service") error.code.clear();  // Lambda's fault class, not a code
  return error;
}

bool is_retryable(const ApiError& error) {
  if (error.status == 0 || error.status == 429 || error.status >= 500) return true;
  return error.code == "ThrottlingException" || error.code == "Throttling" || error.code == "TooManyRequestsException" ||
         error.code == "RequestLimitExceeded";
}

util::Result<ServiceClient> ServiceClient::create(ServiceEndpoint endpoint, Credentials credentials, RetryPolicy retry) {
  auto url = normalize_endpoint_url(endpoint.url);
  if (!url) return std::unexpected(url.error());
  endpoint.url = *url;
  auto http = HttpClient::create();
  if (!http) return std::unexpected(http.error());
  retry.max_attempts = std::max(1, retry.max_attempts);
  return ServiceClient(std::move(endpoint), std::move(credentials), std::move(retry), std::move(*http));
}

std::string ServiceClient::redact(std::string text) const {
  for (const std::string* secret : {&credentials_.secret_access_key, &credentials_.session_token, &credentials_.access_key_id}) {
    if (secret->size() < 4) continue;
    for (size_t at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at)) {
      text.replace(at, secret->size(), "[redacted]");
    }
  }
  return text;
}

std::expected<HttpResponse, ApiError> ServiceClient::call(const ApiRequest& api) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  ApiError last;
  for (int attempt = 1; attempt <= retry_.max_attempts; ++attempt) {
    ++attempts_;
    SignableRequest signable{api.method, api.path, api.query, api.headers, api.body};
    signable.headers.emplace_back("Host", host_of(endpoint_.url));
    sign(signable, credentials_, endpoint_.scope, std::chrono::system_clock::now());
    HttpRequest http;
    http.method = api.method;
    http.url = endpoint_.url + api.path;
    if (const std::string query = canonical_query(api.query); !query.empty()) http.url += "?" + query;
    http.headers = std::move(signable.headers);
    http.body = api.body;
    http.timeout = api.timeout;
    auto response = http_.send(http);
    if (response && response->status >= 200 && response->status < 300) return std::move(*response);
    if (response) {
      last = parse_api_error(*response);
    } else {
      last = ApiError{0, "", response.error().message};
    }
    last.message = redact(last.message);
    if (!is_retryable(last) || attempt == retry_.max_attempts) break;
    // Full jitter: a random delay up to base * 2^(attempt-1), capped.
    const auto ceiling = std::min<long long>(retry_.max_delay.count(), retry_.base_delay.count() << std::min(attempt - 1, 20));
    std::uniform_int_distribution<long long> pick(0, std::max<long long>(ceiling, 1));
    if (!sleep_unless_stopped(std::chrono::milliseconds(pick(random)), retry_.stop)) {
      last.message += " (stopped retrying: interrupted)";
      break;
    }
  }
  return std::unexpected(last);
}

}  // namespace sweetspot::aws
