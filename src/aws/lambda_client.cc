#include "aws/lambda_client.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "aws/crypto.h"
#include "util/base64.h"

namespace sweetspot::aws {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json";

std::string text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int integer(const json& object, const char* key, int fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

LambdaResult configuration_of(std::expected<HttpResponse, ApiError> response) {
  if (!response) return std::unexpected(response.error());
  auto parsed = parse_function_configuration(response->body);
  if (!parsed) return std::unexpected(ApiError{response->status, "InvalidResponse", parsed.error().message});
  return *parsed;
}

std::expected<void, ApiError> done(std::expected<HttpResponse, ApiError> response) {
  if (!response) return std::unexpected(response.error());
  return {};
}

}  // namespace

bool is_version_number(const std::string& q) {
  return !q.empty() && q.size() < 20 && std::all_of(q.begin(), q.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string function_path(const std::string& function, const std::string& suffix) {
  return "/2015-03-31/functions/" + uri_encode(function) + suffix;
}

util::Result<FunctionConfiguration> parse_function_configuration(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("FunctionName")) {
    return util::fail("the Lambda API answered without a function configuration");
  }
  FunctionConfiguration c;
  c.function_name = text(j, "FunctionName");
  c.function_arn = text(j, "FunctionArn");
  c.version = text(j, "Version");
  c.description = text(j, "Description");
  c.state = text(j, "State");
  c.last_update_status = text(j, "LastUpdateStatus");
  c.last_update_status_reason = text(j, "LastUpdateStatusReason");
  c.code_sha256 = text(j, "CodeSha256");
  c.runtime = text(j, "Runtime");
  c.memory_mb = integer(j, "MemorySize", 128);
  c.timeout_s = integer(j, "Timeout", 3);
  if (j.contains("EphemeralStorage") && j["EphemeralStorage"].is_object()) {
    c.ephemeral_storage_mb = integer(j["EphemeralStorage"], "Size", 512);
  }
  if (j.contains("Architectures") && j["Architectures"].is_array() && !j["Architectures"].empty() &&
      j["Architectures"][0] == "arm64") {
    c.architecture = engine_api::Architecture::kArm64;
  }
  return c;
}

util::Result<LambdaClient> LambdaClient::create(ServiceEndpoint endpoint, Credentials credentials, RetryPolicy retry) {
  auto client = ServiceClient::create(std::move(endpoint), std::move(credentials), std::move(retry));
  if (!client) return std::unexpected(client.error());
  return LambdaClient(std::move(*client));
}

LambdaResult LambdaClient::get_configuration(const std::string& function, const std::string& qualifier) {
  ApiRequest r{"GET", function_path(function, "/configuration"), {}, {}, "", std::chrono::milliseconds(60000)};
  if (!qualifier.empty()) r.query.emplace_back("Qualifier", qualifier);
  return configuration_of(client_.call(r));
}

LambdaResult LambdaClient::update_configuration(const std::string& function, const ConfigurationChange& change) {
  json body = json::object();
  if (change.memory_mb) body["MemorySize"] = *change.memory_mb;
  if (change.description) body["Description"] = *change.description;
  ApiRequest r{"PUT", function_path(function, "/configuration"), {}, {{"Content-Type", kJson}}, body.dump(),
               std::chrono::milliseconds(60000)};
  return configuration_of(client_.call(r));
}

LambdaResult LambdaClient::wait_until_updated(const std::string& function, std::chrono::milliseconds limit,
                                              const std::function<bool()>& stop) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto delay = std::chrono::milliseconds(100);
  while (true) {
    LambdaResult config = get_configuration(function);
    if (!config) return config;
    if (config->last_update_status == "Failed" || config->state == "Failed") {
      return std::unexpected(ApiError{200, "UpdateFailed",
                                      fmt::format("the update failed: {}", config->last_update_status_reason.empty()
                                                                                ? "(no reason given)"
                                                                                : config->last_update_status_reason)});
    }
    if (config->last_update_status != "InProgress" && config->state != "Pending") return config;
    if (std::chrono::steady_clock::now() + delay > deadline) {
      return std::unexpected(ApiError{
          200, "UpdateTimeout",
          fmt::format("LastUpdateStatus still {} after {:.0f} s", config->last_update_status.empty() ? config->state : config->last_update_status,
                      std::chrono::duration<double>(limit).count())});
    }
    if (stop && stop()) return std::unexpected(ApiError{0, "Interrupted", "interrupted while waiting for the update"});
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
  }
}

LambdaResult LambdaClient::publish_version(const std::string& function, const std::string& description) {
  const json body = {{"Description", description}};
  ApiRequest r{"POST", function_path(function, "/versions"), {}, {{"Content-Type", kJson}}, body.dump(),
               std::chrono::milliseconds(60000)};
  return configuration_of(client_.call(r));
}

std::expected<void, ApiError> LambdaClient::create_alias(const std::string& function, const std::string& alias,
                                                         const std::string& version, const std::string& description) {
  const json body = {{"Name", alias}, {"FunctionVersion", version}, {"Description", description}};
  return done(client_.call(ApiRequest{"POST", function_path(function, "/aliases"), {}, {{"Content-Type", kJson}},
                                      body.dump(), std::chrono::milliseconds(60000)}));
}

std::expected<void, ApiError> LambdaClient::update_alias(const std::string& function, const std::string& alias,
                                                         const std::string& version) {
  const json body = {{"FunctionVersion", version}};
  return done(client_.call(ApiRequest{"PUT", function_path(function, "/aliases/" + uri_encode(alias)), {},
                                      {{"Content-Type", kJson}}, body.dump(), std::chrono::milliseconds(60000)}));
}

std::expected<void, ApiError> LambdaClient::delete_alias(const std::string& function, const std::string& alias) {
  return done(client_.call(ApiRequest{"DELETE", function_path(function, "/aliases/" + uri_encode(alias)), {}, {}, "",
                                      std::chrono::milliseconds(60000)}));
}

std::expected<void, ApiError> LambdaClient::delete_version(const std::string& function, const std::string& version) {
  if (!is_version_number(version)) {
    return std::unexpected(ApiError{0, "Refused", fmt::format("\"{}\" is not a version number", version)});
  }
  return done(client_.call(ApiRequest{"DELETE", function_path(function, ""), {{"Qualifier", version}}, {}, "",
                                      std::chrono::milliseconds(60000)}));
}

std::expected<std::vector<FunctionConfiguration>, ApiError> LambdaClient::list_versions(const std::string& function) {
  std::vector<FunctionConfiguration> versions;
  std::string marker;
  for (int page = 0; page < 1000; ++page) {
    ApiRequest r{"GET", function_path(function, "/versions"), {}, {}, "", std::chrono::milliseconds(60000)};
    if (!marker.empty()) r.query.emplace_back("Marker", marker);
    auto response = client_.call(r);
    if (!response) return std::unexpected(response.error());
    const json j = json::parse(response->body, nullptr, false);
    if (!j.is_object() || !j.contains("Versions") || !j["Versions"].is_array()) {
      return std::unexpected(ApiError{response->status, "InvalidResponse", "ListVersionsByFunction answered without Versions"});
    }
    for (const json& v : j["Versions"]) {
      if (auto parsed = parse_function_configuration(v.dump())) versions.push_back(std::move(*parsed));
    }
    marker = text(j, "NextMarker");
    if (marker.empty()) break;
  }
  return versions;
}

std::expected<std::vector<AliasInfo>, ApiError> LambdaClient::list_aliases(const std::string& function) {
  std::vector<AliasInfo> aliases;
  std::string marker;
  for (int page = 0; page < 1000; ++page) {
    ApiRequest r{"GET", function_path(function, "/aliases"), {}, {}, "", std::chrono::milliseconds(60000)};
    if (!marker.empty()) r.query.emplace_back("Marker", marker);
    auto response = client_.call(r);
    if (!response) return std::unexpected(response.error());
    const json j = json::parse(response->body, nullptr, false);
    if (!j.is_object() || !j.contains("Aliases") || !j["Aliases"].is_array()) {
      return std::unexpected(ApiError{response->status, "InvalidResponse", "ListAliases answered without Aliases"});
    }
    for (const json& a : j["Aliases"]) {
      if (a.is_object()) aliases.push_back({text(a, "Name"), text(a, "FunctionVersion"), text(a, "Description")});
    }
    marker = text(j, "NextMarker");
    if (marker.empty()) break;
  }
  return aliases;
}

std::expected<InvokeResult, ApiError> LambdaClient::invoke(const std::string& function, const std::string& qualifier,
                                                           const std::string& payload, std::chrono::milliseconds timeout) {
  ApiRequest r{"POST", function_path(function, "/invocations"), {},
               {{"Content-Type", kJson}, {"X-Amz-Invocation-Type", "RequestResponse"}, {"X-Amz-Log-Type", "Tail"}},
               payload, timeout};
  if (!qualifier.empty()) r.query.emplace_back("Qualifier", qualifier);
  auto response = client_.call(r);
  if (!response) return std::unexpected(response.error());
  InvokeResult result;
  result.request_id = response->header("x-amzn-requestid");
  result.function_error = response->header("x-amz-function-error");
  result.executed_version = response->header("x-amz-executed-version");
  result.payload = std::move(response->body);
  if (const std::string tail = response->header("x-amz-log-result"); !tail.empty()) {
    auto decoded = util::base64_decode(tail);
    if (decoded) result.log_tail = std::move(*decoded);
  }
  return result;
}

}  // namespace sweetspot::aws
