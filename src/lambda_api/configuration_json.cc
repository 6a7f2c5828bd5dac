#include "lambda_api/configuration_json.h"

#include <fmt/format.h>

#include <cmath>

namespace sweetspot::lambda_api {

nlohmann::json function_configuration_json(const FunctionRegistry& registry, const Resolved& f) {
  const engine_api::FunctionConfig& c = f.state.config;
  // An unqualified request answers with the unqualified ARN; a version or alias with its own.
  const std::optional<std::string> arn_qualifier =
      f.version == kLatest && (!f.qualifier || *f.qualifier == kLatest) ? std::nullopt
                                                                         : std::optional(f.qualifier.value_or(f.version));
  nlohmann::json j{
      {"FunctionName", f.function_name},
      {"FunctionArn", registry.function_arn(f.function_name, arn_qualifier)},
      {"Runtime", c.runtime_id},
      {"Role", fmt::format("arn:aws:iam::{}:role/sweetspot-serve", engine_api::kLocalAccountId)},
      {"Handler", c.handler.empty() ? std::string("bootstrap") : c.handler},
      {"Description", f.state.description},
      {"Timeout", static_cast<int>(std::lround(c.timeout_s))},
      {"MemorySize", c.memory_mb},
      {"LastModified", f.state.last_modified},
      {"Version", f.version},
      {"TracingConfig", {{"Mode", "PassThrough"}}},
      {"RevisionId", f.state.revision_id},
      // Updates apply at once here, so a function is always Active and its last update Successful.
      {"State", "Active"},
      {"LastUpdateStatus", "Successful"},
      {"PackageType", "Zip"},
      {"Architectures", {engine_api::to_string(c.architecture)}},
      {"EphemeralStorage", {{"Size", c.tmp_mb}}},
  };
  if (!c.environment.empty()) j["Environment"] = {{"Variables", c.environment}};
  return j;
}

nlohmann::json alias_configuration_json(const FunctionRegistry& registry, std::string_view function_name,
                                        const AliasState& alias) {
  return nlohmann::json{{"AliasArn", registry.alias_arn(function_name, alias.name)},
                        {"Name", alias.name},
                        {"FunctionVersion", alias.function_version},
                        {"Description", alias.description},
                        {"RevisionId", alias.revision_id}};
}

}  // namespace sweetspot::lambda_api
