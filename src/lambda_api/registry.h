// The functions `serve` answers for, as Lambda's control plane keeps them:
// $LATEST's configuration (which UpdateFunctionConfiguration changes), published
// versions that keep the configuration they were published with, aliases that
// point at a version, and a RevisionId that changes with every change. Thread-safe.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/function_config.h"
#include "lambda_api/api_error.h"
#include "util/error.h"

namespace sweetspot::lambda_api {

inline constexpr const char* kLatest = "$LATEST";

// One configuration: $LATEST's current one, or a published version's.
struct FunctionState {
  engine_api::FunctionConfig config;
  std::string description;
  std::string revision_id;
  std::string last_modified;  // as Lambda writes it: 2026-11-28T01:02:03.000+0000
};

struct AliasState {
  std::string name;
  std::string function_version;  // "$LATEST" or a version number
  std::string description;
  std::string revision_id;
};

// What a (function, qualifier) pair names.
struct Resolved {
  std::string function_name;
  std::string version;  // "$LATEST" or "3": X-Amz-Executed-Version
  std::optional<std::string> qualifier;  // as the caller gave it (a version or an alias)
  FunctionState state;
};

// What UpdateFunctionConfiguration may change; unset members stay as they are.
struct ConfigurationUpdate {
  std::optional<int> memory_mb;
  std::optional<int> timeout_s;
  std::optional<int> tmp_mb;
  std::optional<std::map<std::string, std::string>> environment;  // replaces all variables
  std::optional<std::string> description;
  std::optional<std::string> revision_id;  // precondition: must match $LATEST's
};

struct AliasUpdate {
  std::optional<std::string> function_version;
  std::optional<std::string> description;
  std::optional<std::string> revision_id;  // precondition
};

class FunctionRegistry {
 public:
  explicit FunctionRegistry(std::string region = "us-east-1", std::string account_id = std::string(engine_api::kLocalAccountId));

  // Fails when a function of that name is already registered.
  util::Result<void> add(engine_api::FunctionConfig config);

  const std::string& region() const { return region_; }
  std::string function_arn(std::string_view name, const std::optional<std::string>& qualifier = std::nullopt) const;
  std::string alias_arn(std::string_view name, std::string_view alias) const;

  // `qualifier` empty or "$LATEST": $LATEST; digits: that version; else an alias.
  std::expected<Resolved, ApiError> resolve(std::string_view name, const std::optional<std::string>& qualifier) const;
  // $LATEST of every function (and with `all_versions`, every published version), by name.
  std::vector<Resolved> list(bool all_versions) const;
  // $LATEST, then each published version in order.
  std::expected<std::vector<Resolved>, ApiError> versions(std::string_view name) const;

  std::expected<Resolved, ApiError> update_configuration(std::string_view name, const ConfigurationUpdate& update);
  // Publishes $LATEST's configuration as the next version; when $LATEST has not
  // changed since the last version, returns that version (as Lambda does).
  std::expected<Resolved, ApiError> publish_version(std::string_view name, const std::optional<std::string>& description,
                                                    const std::optional<std::string>& revision_id);
  // Deletes the function (no qualifier) or one version; the deleted versions are
  // returned so that their environments can be retired.
  std::expected<std::vector<std::string>, ApiError> delete_function(std::string_view name,
                                                                    const std::optional<std::string>& qualifier);

  std::expected<AliasState, ApiError> create_alias(std::string_view name, const std::string& alias,
                                                   const std::string& function_version, const std::string& description);
  std::expected<AliasState, ApiError> get_alias(std::string_view name, std::string_view alias) const;
  std::expected<AliasState, ApiError> update_alias(std::string_view name, std::string_view alias, const AliasUpdate& update);
  std::expected<void, ApiError> delete_alias(std::string_view name, std::string_view alias);
  std::expected<std::vector<AliasState>, ApiError> list_aliases(std::string_view name,
                                                                const std::optional<std::string>& function_version) const;

 private:
  struct Function {
    FunctionState latest;
    std::map<int, FunctionState> versions;
    int next_version = 1;
    std::string latest_revision_at_last_publish;  // publishing an unchanged $LATEST returns the last version
    std::map<std::string, AliasState, std::less<>> aliases;
  };

  std::expected<const Function*, ApiError> find(std::string_view name) const;  // caller holds mutex_
  std::expected<Function*, ApiError> find(std::string_view name);
  std::expected<const AliasState*, ApiError> find_alias(std::string_view name, std::string_view alias) const;
  std::expected<AliasState*, ApiError> find_alias(std::string_view name, std::string_view alias);
  ApiError not_found(std::string_view name, const std::optional<std::string>& qualifier) const;
  Resolved make_resolved(std::string_view name, const std::string& version, const std::optional<std::string>& qualifier,
                         const FunctionState& state) const;

  std::string region_;
  std::string account_id_;
  mutable std::mutex mutex_;
  std::map<std::string, Function, std::less<>> functions_;
};

// Lambda's timestamp format for LastModified, for now.
std::string lambda_timestamp_now();

}  // namespace sweetspot::lambda_api
