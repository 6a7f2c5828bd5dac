// The control-plane operations: each reads its route and JSON body, checks the
// values as Lambda does, changes or reads the registry, and answers with
// Lambda's status code and shape.
#pragma once

#include <expected>

#include "lambda_api/api_types.h"
#include "lambda_api/invoker.h"
#include "lambda_api/registry.h"
#include "lambda_api/routes.h"

namespace sweetspot::lambda_api {

std::expected<ApiResponse, ApiError> handle_control_plane(FunctionRegistry& registry, Invoker& invoker,
                                                          const Route& route, const ApiRequest& request);

}  // namespace sweetspot::lambda_api
