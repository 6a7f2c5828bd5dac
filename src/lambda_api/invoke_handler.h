// The Invoke operation: RequestResponse (200, a function error still 200 with
// X-Amz-Function-Error), Event (202, queued), DryRun (204); Tail logs,
// X-Amz-Executed-Version, the 6 MB payload limit.
#pragma once

#include <expected>

#include "lambda_api/api_types.h"
#include "lambda_api/invoker.h"
#include "lambda_api/registry.h"
#include "lambda_api/routes.h"

namespace sweetspot::lambda_api {

inline constexpr size_t kLogTailBytes = 4096;

std::expected<ApiResponse, ApiError> handle_invoke(const FunctionRegistry& registry, Invoker& invoker,
                                                   const Route& route, const ApiRequest& request);

// The last 4 KB of an invoke's log, whole lines where the cut allows, as
// X-Amz-Log-Result carries it (before base64).
std::string log_tail(std::string_view log);

}  // namespace sweetspot::lambda_api
