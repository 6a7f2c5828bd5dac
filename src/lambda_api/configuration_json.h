// The JSON shapes the control plane answers with (FunctionConfiguration,
// AliasConfiguration), member names as in botocore's Lambda model.
#pragma once

#include <nlohmann/json.hpp>

#include "lambda_api/registry.h"

namespace sweetspot::lambda_api {

nlohmann::json function_configuration_json(const FunctionRegistry& registry, const Resolved& function);
nlohmann::json alias_configuration_json(const FunctionRegistry& registry, std::string_view function_name,
                                        const AliasState& alias);

}  // namespace sweetspot::lambda_api
