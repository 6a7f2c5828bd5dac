#include "lambda_api/registry.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "engine/ids.h"

namespace sweetspot::lambda_api {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ApiError error(ErrorCode code, std::string message) { return ApiError{code, std::move(message), {}}; }

// A version number as written in a qualifier; nullopt when it is not one.
std::optional<int> version_number(std::string_view s) {
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  return std::stoi(std::string(s));
}

}  // namespace

std::string lambda_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}+0000", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

FunctionRegistry::FunctionRegistry(std::string region, std::string account_id)
    : region_(std::move(region)), account_id_(std::move(account_id)) {}

util::Result<void> FunctionRegistry::add(engine_api::FunctionConfig config) {
  std::lock_guard lock(mutex_);
  if (functions_.contains(config.name)) {
    return util::fail(fmt::format("two functions are named '{}': each function served needs its own name", config.name));
  }
  Function fn;
  fn.latest.config = std::move(config);
  fn.latest.revision_id = engine::new_request_id();
  fn.latest.last_modified = lambda_timestamp_now();
  const std::string name = fn.latest.config.name;
  functions_.emplace(name, std::move(fn));
  return {};
}

std::string FunctionRegistry::function_arn(std::string_view name, const std::optional<std::string>& qualifier) const {
  std::string arn = fmt::format("arn:aws:lambda:{}:{}:function:{}", region_, account_id_, name);
  if (qualifier) arn += ":" + *qualifier;
  return arn;
}

std::string FunctionRegistry::alias_arn(std::string_view name, std::string_view alias) const {
  return function_arn(name, std::string(alias));
}

ApiError FunctionRegistry::not_found(std::string_view name, const std::optional<std::string>& qualifier) const {
  return error(ErrorCode::kResourceNotFound, fmt::format("Function not found: {}", function_arn(name, qualifier)));
}

std::expected<const FunctionRegistry::Function*, ApiError> FunctionRegistry::find(std::string_view name) const {
  auto it = functions_.find(name);
  if (it == functions_.end()) return std::unexpected(not_found(name, std::nullopt));
  return &it->second;
}

std::expected<FunctionRegistry::Function*, ApiError> FunctionRegistry::find(std::string_view name) {
  auto it = functions_.find(name);
  if (it == functions_.end()) return std::unexpected(not_found(name, std::nullopt));
  return &it->second;
}

Resolved FunctionRegistry::make_resolved(std::string_view name, const std::string& version,
                                         const std::optional<std::string>& qualifier, const FunctionState& state) const {
  return Resolved{std::string(name), version, qualifier, state};
}

std::expected<Resolved, ApiError> FunctionRegistry::resolve(std::string_view name,
                                                            const std::optional<std::string>& qualifier) const {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  const Function& f = **fn;
  if (!qualifier || *qualifier == kLatest) return make_resolved(name, kLatest, qualifier, f.latest);
  if (auto number = version_number(*qualifier)) {
    auto v = f.versions.find(*number);
    if (v == f.versions.end()) return std::unexpected(not_found(name, qualifier));
    return make_resolved(name, std::to_string(*number), qualifier, v->second);
  }
  auto alias = f.aliases.find(*qualifier);
  if (alias == f.aliases.end()) return std::unexpected(not_found(name, qualifier));
  const std::string& target = alias->second.function_version;
  if (target == kLatest) return make_resolved(name, kLatest, qualifier, f.latest);
  auto v = f.versions.find(std::stoi(target));
  if (v == f.versions.end()) return std::unexpected(not_found(name, qualifier));
  return make_resolved(name, target, qualifier, v->second);
}

std::vector<Resolved> FunctionRegistry::list(bool all_versions) const {
  std::lock_guard lock(mutex_);
  std::vector<Resolved> out;
  for (const auto& [name, f] : functions_) {
    out.push_back(make_resolved(name, kLatest, std::nullopt, f.latest));
    if (!all_versions) continue;
    for (const auto& [number, state] : f.versions) {
      out.push_back(make_resolved(name, std::to_string(number), std::to_string(number), state));
    }
  }
  return out;
}

std::expected<std::vector<Resolved>, ApiError> FunctionRegistry::versions(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  std::vector<Resolved> out{make_resolved(name, kLatest, std::nullopt, (*fn)->latest)};
  for (const auto& [number, state] : (*fn)->versions) {
    out.push_back(make_resolved(name, std::to_string(number), std::to_string(number), state));
  }
  return out;
}

std::expected<Resolved, ApiError> FunctionRegistry::update_configuration(std::string_view name,
                                                                         const ConfigurationUpdate& update) {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  FunctionState& latest = (*fn)->latest;
  if (update.revision_id && *update.revision_id != latest.revision_id) {
    return std::unexpected(error(ErrorCode::kPreconditionFailed,
                                 "The Revision Id provided does not match the latest Revision Id. Call the "
                                 "GetFunction/GetAlias API to retrieve the latest Revision Id"));
  }
  if (update.memory_mb) latest.config.memory_mb = *update.memory_mb;
  if (update.timeout_s) latest.config.timeout_s = *update.timeout_s;
  if (update.tmp_mb) latest.config.tmp_mb = *update.tmp_mb;
  if (update.environment) latest.config.environment = *update.environment;
  if (update.description) latest.description = *update.description;
  latest.revision_id = engine::new_request_id();
  latest.last_modified = lambda_timestamp_now();
  return make_resolved(name, kLatest, std::nullopt, latest);
}

std::expected<Resolved, ApiError> FunctionRegistry::publish_version(std::string_view name,
                                                                    const std::optional<std::string>& description,
                                                                    const std::optional<std::string>& revision_id) {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  Function& f = **fn;
  if (revision_id && *revision_id != f.latest.revision_id) {
    return std::unexpected(error(ErrorCode::kPreconditionFailed,
                                 "The Revision Id provided does not match the latest Revision Id. Call the "
                                 "GetFunction/GetAlias API to retrieve the latest Revision Id"));
  }
  if (!f.versions.empty() && f.latest_revision_at_last_publish == f.latest.revision_id) {
    const auto& [number, state] = *f.versions.rbegin();
    return make_resolved(name, std::to_string(number), std::to_string(number), state);
  }
  FunctionState published = f.latest;
  if (description) published.description = *description;
  published.revision_id = engine::new_request_id();
  published.last_modified = lambda_timestamp_now();
  const int number = f.next_version++;
  f.versions[number] = published;
  f.latest_revision_at_last_publish = f.latest.revision_id;
  return make_resolved(name, std::to_string(number), std::to_string(number), published);
}

std::expected<std::vector<std::string>, ApiError> FunctionRegistry::delete_function(
    std::string_view name, const std::optional<std::string>& qualifier) {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  Function& f = **fn;
  if (!qualifier) {
    std::vector<std::string> gone{kLatest};
    for (const auto& [number, state] : f.versions) gone.push_back(std::to_string(number));
    functions_.erase(functions_.find(name));
    return gone;
  }
  if (*qualifier == kLatest) {
    return std::unexpected(error(ErrorCode::kInvalidParameterValue,
                                 "$LATEST version cannot be deleted without deleting the function."));
  }
  const auto number = version_number(*qualifier);
  if (!number) {
    return std::unexpected(error(ErrorCode::kInvalidParameterValue,
                                 fmt::format("Qualifier '{}' is an alias: delete it with DeleteAlias, or give a "
                                             "version number to delete a version",
                                             *qualifier)));
  }
  if (!f.versions.contains(*number)) return std::unexpected(not_found(name, qualifier));
  for (const auto& [alias_name, alias] : f.aliases) {
    if (alias.function_version == *qualifier) {
      return std::unexpected(error(ErrorCode::kResourceConflict,
                                   fmt::format("Unable to delete version because the following aliases reference it: "
                                               "[{}]",
                                               alias_name)));
    }
  }
  f.versions.erase(*number);
  return std::vector<std::string>{std::to_string(*number)};
}

std::expected<AliasState, ApiError> FunctionRegistry::create_alias(std::string_view name, const std::string& alias,
                                                                   const std::string& function_version,
                                                                   const std::string& description) {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  Function& f = **fn;
  if (function_version != kLatest) {
    const auto number = version_number(function_version);
    if (!number || !f.versions.contains(*number)) return std::unexpected(not_found(name, function_version));
  }
  if (f.aliases.contains(alias)) {
    return std::unexpected(error(ErrorCode::kResourceConflict, fmt::format("Alias already exists: {}", alias_arn(name, alias))));
  }
  AliasState state{alias, function_version, description, engine::new_request_id()};
  f.aliases.emplace(alias, state);
  return state;
}

std::expected<const AliasState*, ApiError> FunctionRegistry::find_alias(std::string_view name,
                                                                         std::string_view alias) const {
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  auto it = (*fn)->aliases.find(alias);
  if (it == (*fn)->aliases.end()) {
    return std::unexpected(error(ErrorCode::kResourceNotFound, fmt::format("Alias not found: {}", alias_arn(name, alias))));
  }
  return &it->second;
}

std::expected<AliasState*, ApiError> FunctionRegistry::find_alias(std::string_view name, std::string_view alias) {
  auto found = std::as_const(*this).find_alias(name, alias);
  if (!found) return std::unexpected(found.error());
  return const_cast<AliasState*>(*found);  // the same lookup for a registry the caller may change
}

std::expected<AliasState, ApiError> FunctionRegistry::get_alias(std::string_view name, std::string_view alias) const {
  std::lock_guard lock(mutex_);
  auto found = find_alias(name, alias);
  if (!found) return std::unexpected(found.error());
  return **found;
}

std::expected<AliasState, ApiError> FunctionRegistry::update_alias(std::string_view name, std::string_view alias,
                                                                   const AliasUpdate& update) {
  std::lock_guard lock(mutex_);
  auto found = find_alias(name, alias);
  if (!found) return std::unexpected(found.error());
  AliasState& target = **found;
  const Function& f = **find(name);
  if (update.revision_id && *update.revision_id != target.revision_id) {
    return std::unexpected(error(ErrorCode::kPreconditionFailed,
                                 "The Revision Id provided does not match the latest Revision Id. Call the "
                                 "GetFunction/GetAlias API to retrieve the latest Revision Id"));
  }
  if (update.function_version && *update.function_version != kLatest) {
    const auto number = version_number(*update.function_version);
    if (!number || !f.versions.contains(*number)) return std::unexpected(not_found(name, update.function_version));
  }
  if (update.function_version) target.function_version = *update.function_version;
  if (update.description) target.description = *update.description;
  target.revision_id = engine::new_request_id();
  return target;
}

std::expected<void, ApiError> FunctionRegistry::delete_alias(std::string_view name, std::string_view alias) {
  std::lock_guard lock(mutex_);
  auto found = find_alias(name, alias);
  if (!found) return std::unexpected(found.error());
  const std::string key = (*found)->name;  // a copy: the element holding it goes
  (*find(name))->aliases.erase(key);
  return {};
}

std::expected<std::vector<AliasState>, ApiError> FunctionRegistry::list_aliases(
    std::string_view name, const std::optional<std::string>& function_version) const {
  std::lock_guard lock(mutex_);
  auto fn = find(name);
  if (!fn) return std::unexpected(fn.error());
  std::vector<AliasState> out;
  for (const auto& [alias_name, alias] : (*fn)->aliases) {
    if (!function_version || alias.function_version == *function_version) out.push_back(alias);
  }
  return out;
}

}  // namespace sweetspot::lambda_api
