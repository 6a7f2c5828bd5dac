#include "lambda_api/service.h"

#include <algorithm>
#include <exception>

#include "engine/ids.h"
#include "lambda_api/control_plane.h"
#include "lambda_api/invoke_handler.h"
#include "lambda_api/routes.h"

namespace sweetspot::lambda_api {
namespace {

ApiResponse dispatch(FunctionRegistry& registry, Invoker& invoker, const ApiRequest& request) {
  auto route = route_request(request.method, request.target);
  if (!route) return error_response(route.error());
  std::expected<ApiResponse, ApiError> answered =
      route->op == Operation::kInvoke || route->op == Operation::kInvokeAsync
          ? handle_invoke(registry, invoker, *route, request)
          : (request.body_too_large
                 ? std::unexpected(ApiError{ErrorCode::kRequestTooLarge, "the request body is over 6 MB", {}})
                 : handle_control_plane(registry, invoker, *route, request));
  if (!answered) return error_response(answered.error());
  return std::move(*answered);
}

}  // namespace

ApiResponse Service::handle(const ApiRequest& request) noexcept {
  ApiResponse response;
  try {
    response = dispatch(registry_, invoker_, request);
  } catch (const std::exception& e) {
    response = error_response(ApiError{ErrorCode::kService, std::string("sweetspot serve failed: ") + e.what(), {}});
  } catch (...) {
    response = error_response(ApiError{ErrorCode::kService, "sweetspot serve failed", {}});
  }
  try {
    const bool has_id = std::any_of(response.headers.begin(), response.headers.end(),
                                    [](const auto& h) { return h.first == "x-amzn-RequestId"; });
    if (!has_id) response.headers.emplace_back("x-amzn-RequestId", engine::new_request_id());
  } catch (...) {
  }
  return response;
}

}  // namespace sweetspot::lambda_api
