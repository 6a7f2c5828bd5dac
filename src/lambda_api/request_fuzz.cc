#include "lambda_api/request_fuzz.h"

#include "lambda_api/service.h"

namespace sweetspot::lambda_api {
namespace {

// Starts nothing: the fuzz target exercises the API, not the engine.
class NoEnvironmentInvoker : public Invoker {
 public:
  std::expected<engine_api::Invocation, ApiError> invoke(const Resolved&, const engine::InvokeInput&) override {
    return std::unexpected(ApiError{ErrorCode::kService, "the fuzz target starts no execution environment", {}});
  }
  std::expected<void, ApiError> enqueue_event(const Resolved&, std::string) override { return {}; }
  void retire(std::string_view, std::string_view) override {}
};

std::string_view next_line(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<ApiRequest> parse_raw_request(std::string_view bytes) {
  std::string_view rest = bytes;
  const std::string_view request_line = next_line(rest);
  const size_t sp = request_line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return std::nullopt;
  ApiRequest request;
  request.method = std::string(request_line.substr(0, sp));
  request.target = std::string(request_line.substr(sp + 1));
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers[name] = std::string(value);
  }
  request.body = std::string(rest);
  return request;
}

Service& fuzz_service() {
  // Never destroyed: an HTTP server thread may still use it while the process exits.
  static Service* service = [] {
    auto* registry = new FunctionRegistry();
    engine_api::FunctionConfig config;
    config.name = "fuzzed";
    config.code_dir = "/nonexistent";
    (void)registry->add(config);
    return new Service(*registry, *new NoEnvironmentInvoker());
  }();
  return *service;
}

int fuzz_one_request(const uint8_t* data, size_t size) {
  auto request = parse_raw_request(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request) return 0;
  return fuzz_service().handle(*request).status;
}

}  // namespace sweetspot::lambda_api
