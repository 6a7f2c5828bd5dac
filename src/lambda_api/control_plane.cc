#include "lambda_api/control_plane.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "engine_api/config_checks.h"
#include "engine_api/lambda_limits.h"
#include "lambda_api/configuration_json.h"

namespace sweetspot::lambda_api {
namespace {

using nlohmann::json;

ApiError invalid(std::string message) { return ApiError{ErrorCode::kInvalidParameterValue, std::move(message), {}}; }

ApiResponse json_response(int status, const json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

ApiResponse empty_response(int status) {
  ApiResponse r;
  r.status = status;
  return r;
}

std::expected<json, ApiError> body_object(const ApiRequest& request) {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return std::unexpected(ApiError{ErrorCode::kInvalidRequestContent,
                                    "Could not parse request body into json: expected a JSON object", {}});
  }
  return body;
}

// Refuses members this server does not act on, naming the ones it does.
std::expected<void, ApiError> only_members(const json& body, const std::set<std::string>& allowed,
                                           std::string_view operation) {
  for (const auto& [key, value] : body.items()) {
    if (allowed.contains(key)) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return std::unexpected(invalid(fmt::format("{} of sweetspot serve does not support '{}': it accepts {}", operation,
                                               key, list)));
  }
  return {};
}

std::expected<std::optional<std::string>, ApiError> string_member(const json& body, const char* key, size_t max_len) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string()) return std::unexpected(invalid(fmt::format("'{}' must be a string", key)));
  std::string value = body[key].get<std::string>();
  if (value.size() > max_len) {
    return std::unexpected(invalid(fmt::format("'{}' is {} characters long: at most {} are allowed", key, value.size(), max_len)));
  }
  return value;
}

std::expected<std::optional<int>, ApiError> int_member(const json& body, const char* key, int min, int max,
                                                       std::string_view unit) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  const json& v = body[key];
  if (!v.is_number_integer()) return std::unexpected(invalid(fmt::format("'{}' must be an integer ({})", key, unit)));
  const auto value = v.get<long long>();
  if (value < min || value > max) {
    return std::unexpected(invalid(fmt::format("'{}' value {} is out of range: use {} to {} {}", key, value, min, max, unit)));
  }
  return static_cast<int>(value);
}

std::expected<std::map<std::string, std::string>, ApiError> environment_member(const json& env) {
  if (!env.is_object()) return std::unexpected(invalid("'Environment' must be an object: {\"Variables\": {...}}"));
  for (const auto& [key, value] : env.items()) {
    if (key != "Variables") return std::unexpected(invalid(fmt::format("'Environment' has an unknown member '{}'", key)));
  }
  std::map<std::string, std::string> out;
  if (!env.contains("Variables") || env["Variables"].is_null()) return out;
  if (!env["Variables"].is_object()) return std::unexpected(invalid("'Environment.Variables' must be an object of strings"));
  static const std::regex kKey("[a-zA-Z][a-zA-Z0-9_]*");
  for (const auto& [key, value] : env["Variables"].items()) {
    if (!std::regex_match(key, kKey)) {
      return std::unexpected(invalid(fmt::format("environment variable name '{}' is not valid: use letters, digits "
                                                 "and '_', starting with a letter", key)));
    }
    if (std::ranges::find(engine_api::kReservedEnvironmentVariables, key) !=
        engine_api::kReservedEnvironmentVariables.end()) {
      return std::unexpected(invalid(fmt::format(
          "Lambda was unable to configure your environment variables because the environment variables you have "
          "provided contains reserved keys that are currently not supported for modification. Reserved keys used in "
          "this request: {}", key)));
    }
    if (!value.is_string()) return std::unexpected(invalid(fmt::format("environment variable '{}' must be a string", key)));
    out[key] = value.get<std::string>();
  }
  return out;
}

// Weighted routing (an alias sending a share of invokes to a second version) is
// not implemented: an alias here points at exactly one version.
std::expected<void, ApiError> refuse_weighted_routing(const json& body) {
  if (!body.contains("RoutingConfig") || body["RoutingConfig"].is_null()) return {};
  const json& routing = body["RoutingConfig"];
  if (!routing.is_object()) return std::unexpected(invalid("'RoutingConfig' must be an object"));
  for (const auto& [key, value] : routing.items()) {
    if (key != "AdditionalVersionWeights") {
      return std::unexpected(invalid(fmt::format("'RoutingConfig' has an unknown member '{}'", key)));
    }
    if (!value.is_null() && !value.empty()) {
      return std::unexpected(invalid(
          "sweetspot serve does not support weighted aliases: RoutingConfig.AdditionalVersionWeights must be "
          "empty here, an alias points at one version. To compare versions, give each its own alias and invoke "
          "them separately"));
    }
  }
  return {};
}

// One page of a List operation as Lambda pages them: `MaxItems` (1 to 10,000,
// default 50) items after `Marker`, with `NextMarker` when more remain. The
// marker is opaque to clients; here it is the offset of the next item.
std::expected<ApiResponse, ApiError> one_page(const Route& route, json items, const char* key) {
  size_t offset = 0;
  size_t max_items = 50;
  if (auto it = route.query.find("Marker"); it != route.query.end()) {
    const std::string& marker = it->second;
    const bool number = !marker.empty() && marker.size() <= 9 &&
                        std::all_of(marker.begin(), marker.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!number || std::stoul(marker) > items.size()) {
      return std::unexpected(invalid(fmt::format("Marker '{}' is not one this server handed out (NextMarker of an "
                                                 "earlier page)", marker)));
    }
    offset = std::stoul(marker);
  }
  if (auto it = route.query.find("MaxItems"); it != route.query.end()) {
    const std::string& text = it->second;
    const bool number = !text.empty() && text.size() <= 6 &&
                        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!number || std::stoul(text) < 1 || std::stoul(text) > 10000) {
      return std::unexpected(invalid(fmt::format("MaxItems '{}' is out of range: use 1 to 10000", text)));
    }
    max_items = std::stoul(text);
  }
  const size_t end = std::min(items.size(), offset + max_items);
  json page = json::array();
  for (size_t i = offset; i < end; ++i) page.push_back(std::move(items[i]));
  json out{{key, std::move(page)}};
  if (end < items.size()) out["NextMarker"] = std::to_string(end);
  return json_response(200, out);
}

bool is_version_or_latest(const std::string& v) {
  if (v == kLatest) return true;
  return !v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::expected<ApiResponse, ApiError> update_configuration(FunctionRegistry& registry, Invoker& invoker,
                                                          const Route& route, const json& body) {
  if (route.qualifier) return std::unexpected(invalid("UpdateFunctionConfiguration changes $LATEST: give no qualifier"));
  if (auto ok = only_members(body, {"MemorySize", "Timeout", "Environment", "EphemeralStorage", "Description",
                                    "RevisionId", "Role"},
                             "UpdateFunctionConfiguration");
      !ok) {
    return std::unexpected(ok.error());
  }
  ConfigurationUpdate update;
  auto memory = int_member(body, "MemorySize", engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb, "MB");
  if (!memory) return std::unexpected(memory.error());
  update.memory_mb = *memory;
  auto timeout = int_member(body, "Timeout", static_cast<int>(engine_api::kMinTimeoutS),
                            static_cast<int>(engine_api::kMaxTimeoutS), "seconds");
  if (!timeout) return std::unexpected(timeout.error());
  update.timeout_s = *timeout;
  if (body.contains("EphemeralStorage") && !body["EphemeralStorage"].is_null()) {
    const json& storage = body["EphemeralStorage"];
    if (!storage.is_object() || !storage.contains("Size")) {
      return std::unexpected(invalid("'EphemeralStorage' must be {\"Size\": MB}"));
    }
    auto size = int_member(storage, "Size", engine_api::kMinTmpMb, engine_api::kMaxTmpMb, "MB");
    if (!size) return std::unexpected(size.error());
    update.tmp_mb = *size;
  }
  if (body.contains("Environment") && !body["Environment"].is_null()) {
    auto env = environment_member(body["Environment"]);
    if (!env) return std::unexpected(env.error());
    update.environment = std::move(*env);
  }
  auto description = string_member(body, "Description", 256);
  if (!description) return std::unexpected(description.error());
  update.description = *description;
  auto revision = string_member(body, "RevisionId", 1024);
  if (!revision) return std::unexpected(revision.error());
  update.revision_id = *revision;

  auto updated = registry.update_configuration(route.function_name, update);
  if (!updated) return std::unexpected(updated.error());
  invoker.retire(route.function_name, kLatest);
  return json_response(200, function_configuration_json(registry, *updated));
}

std::expected<ApiResponse, ApiError> publish_version(FunctionRegistry& registry, const Route& route, const json& body) {
  if (route.qualifier) return std::unexpected(invalid("PublishVersion publishes $LATEST: give no qualifier"));
  if (auto ok = only_members(body, {"CodeSha256", "Description", "RevisionId"}, "PublishVersion"); !ok) {
    return std::unexpected(ok.error());
  }
  auto description = string_member(body, "Description", 256);
  if (!description) return std::unexpected(description.error());
  auto revision = string_member(body, "RevisionId", 1024);
  if (!revision) return std::unexpected(revision.error());
  auto published = registry.publish_version(route.function_name, *description, *revision);
  if (!published) return std::unexpected(published.error());
  return json_response(201, function_configuration_json(registry, *published));
}

std::expected<ApiResponse, ApiError> create_alias(FunctionRegistry& registry, const Route& route, const json& body) {
  if (auto ok = only_members(body, {"Name", "FunctionVersion", "Description", "RoutingConfig"}, "CreateAlias"); !ok) {
    return std::unexpected(ok.error());
  }
  auto name = string_member(body, "Name", 128);
  if (!name) return std::unexpected(name.error());
  auto version = string_member(body, "FunctionVersion", 1024);
  if (!version) return std::unexpected(version.error());
  if (!*name || !*version) return std::unexpected(invalid("CreateAlias needs 'Name' and 'FunctionVersion'"));
  static const std::regex kAlias("(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  if (!std::regex_match(**name, kAlias)) {
    return std::unexpected(invalid(fmt::format("alias name '{}' is not valid: letters, digits, '-' and '_', not only "
                                               "digits", **name)));
  }
  if (!is_version_or_latest(**version)) {
    return std::unexpected(invalid(fmt::format("FunctionVersion '{}' is not $LATEST or a version number", **version)));
  }
  if (auto single = refuse_weighted_routing(body); !single) return std::unexpected(single.error());
  auto description = string_member(body, "Description", 256);
  if (!description) return std::unexpected(description.error());
  auto alias = registry.create_alias(route.function_name, **name, **version, description->value_or(""));
  if (!alias) return std::unexpected(alias.error());
  return json_response(201, alias_configuration_json(registry, route.function_name, *alias));
}

std::expected<ApiResponse, ApiError> update_alias(FunctionRegistry& registry, const Route& route, const json& body) {
  if (auto ok = only_members(body, {"FunctionVersion", "Description", "RoutingConfig", "RevisionId"}, "UpdateAlias"); !ok) {
    return std::unexpected(ok.error());
  }
  AliasUpdate update;
  auto version = string_member(body, "FunctionVersion", 1024);
  if (!version) return std::unexpected(version.error());
  if (*version && !is_version_or_latest(**version)) {
    return std::unexpected(invalid(fmt::format("FunctionVersion '{}' is not $LATEST or a version number", **version)));
  }
  update.function_version = *version;
  auto description = string_member(body, "Description", 256);
  if (!description) return std::unexpected(description.error());
  update.description = *description;
  auto revision = string_member(body, "RevisionId", 1024);
  if (!revision) return std::unexpected(revision.error());
  update.revision_id = *revision;
  if (auto single = refuse_weighted_routing(body); !single) return std::unexpected(single.error());
  auto alias = registry.update_alias(route.function_name, route.alias_name, update);
  if (!alias) return std::unexpected(alias.error());
  return json_response(200, alias_configuration_json(registry, route.function_name, *alias));
}

}  // namespace

std::expected<ApiResponse, ApiError> handle_control_plane(FunctionRegistry& registry, Invoker& invoker,
                                                          const Route& route, const ApiRequest& request) {
  auto body = body_object(request);
  if (!body) return std::unexpected(body.error());

  switch (route.op) {
    case Operation::kListFunctions: {
      const auto all = route.query.find("FunctionVersion");
      if (all != route.query.end() && all->second != "ALL") {
        return std::unexpected(invalid("FunctionVersion must be ALL when given"));
      }
      json functions = json::array();
      for (const Resolved& f : registry.list(all != route.query.end())) {
        functions.push_back(function_configuration_json(registry, f));
      }
      return one_page(route, std::move(functions), "Functions");
    }
    case Operation::kGetFunction: {
      auto f = registry.resolve(route.function_name, route.qualifier);
      if (!f) return std::unexpected(f.error());
      return json_response(200, json{{"Configuration", function_configuration_json(registry, *f)},
                                     {"Code", {{"RepositoryType", "Local"},
                                               {"Location", "file://" + f->state.config.code_dir.string()}}},
                                     {"Tags", json::object()}});
    }
    case Operation::kGetFunctionConfiguration: {
      auto f = registry.resolve(route.function_name, route.qualifier);
      if (!f) return std::unexpected(f.error());
      return json_response(200, function_configuration_json(registry, *f));
    }
    case Operation::kUpdateFunctionConfiguration:
      return update_configuration(registry, invoker, route, *body);
    case Operation::kPublishVersion:
      return publish_version(registry, route, *body);
    case Operation::kListVersionsByFunction: {
      if (route.qualifier) return std::unexpected(invalid("ListVersionsByFunction takes an unqualified function name"));
      auto versions = registry.versions(route.function_name);
      if (!versions) return std::unexpected(versions.error());
      json list = json::array();
      for (const Resolved& f : *versions) list.push_back(function_configuration_json(registry, f));
      return one_page(route, std::move(list), "Versions");
    }
    case Operation::kDeleteFunction: {
      auto gone = registry.delete_function(route.function_name, route.qualifier);
      if (!gone) return std::unexpected(gone.error());
      for (const std::string& version : *gone) invoker.retire(route.function_name, version);
      return empty_response(204);
    }
    case Operation::kCreateAlias:
      return create_alias(registry, route, *body);
    case Operation::kGetAlias: {
      auto alias = registry.get_alias(route.function_name, route.alias_name);
      if (!alias) return std::unexpected(alias.error());
      return json_response(200, alias_configuration_json(registry, route.function_name, *alias));
    }
    case Operation::kUpdateAlias:
      return update_alias(registry, route, *body);
    case Operation::kDeleteAlias: {
      auto deleted = registry.delete_alias(route.function_name, route.alias_name);
      if (!deleted) return std::unexpected(deleted.error());
      return empty_response(204);
    }
    case Operation::kListAliases: {
      std::optional<std::string> version;
      if (auto it = route.query.find("FunctionVersion"); it != route.query.end()) version = it->second;
      auto aliases = registry.list_aliases(route.function_name, version);
      if (!aliases) return std::unexpected(aliases.error());
      json list = json::array();
      for (const AliasState& a : *aliases) list.push_back(alias_configuration_json(registry, route.function_name, a));
      return one_page(route, std::move(list), "Aliases");
    }
    case Operation::kInvoke:
    case Operation::kInvokeAsync:
      break;
  }
  return std::unexpected(ApiError{ErrorCode::kService, "not a control-plane operation", {}});
}

}  // namespace sweetspot::lambda_api
