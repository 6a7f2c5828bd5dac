#include "lambda_api/invoke_handler.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine_api/lambda_limits.h"
#include "util/base64.h"

namespace sweetspot::lambda_api {
namespace {

ApiError invalid(std::string message) { return ApiError{ErrorCode::kInvalidParameterValue, std::move(message), {}}; }

}  // namespace

std::string log_tail(std::string_view log) {
  if (log.size() <= kLogTailBytes) return std::string(log);
  return std::string(log.substr(log.size() - kLogTailBytes));
}

std::expected<ApiResponse, ApiError> handle_invoke(const FunctionRegistry& registry, Invoker& invoker,
                                                   const Route& route, const ApiRequest& request) {
  const bool async_api = route.op == Operation::kInvokeAsync;
  std::string type = async_api ? "Event" : request.header("x-amz-invocation-type");
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return std::unexpected(invalid(fmt::format(
        "X-Amz-Invocation-Type '{}' is not valid: use RequestResponse, Event or DryRun", type)));
  }
  std::string log_type = request.header("x-amz-log-type");
  if (log_type.empty()) log_type = "None";
  if (log_type != "None" && log_type != "Tail") {
    return std::unexpected(invalid(fmt::format("X-Amz-Log-Type '{}' is not valid: use None or Tail", log_type)));
  }
  if (request.body_too_large || request.body.size() > static_cast<size_t>(engine_api::kMaxPayloadBytes)) {
    return std::unexpected(ApiError{
        ErrorCode::kRequestTooLarge,
        fmt::format("Request must be smaller than {} bytes for the InvokeFunction operation", engine_api::kMaxPayloadBytes),
        {}});
  }
  std::string payload = request.body.empty() ? "{}" : request.body;
  if (!nlohmann::json::accept(payload)) {
    return std::unexpected(ApiError{ErrorCode::kInvalidRequestContent,
                                    "Could not parse request body into json: the payload must be JSON", {}});
  }

  auto target = registry.resolve(route.function_name, route.qualifier);
  if (!target) return std::unexpected(target.error());

  ApiResponse response;
  response.headers.emplace_back("X-Amz-Executed-Version", target->version);
  if (type == "DryRun") {
    response.status = 204;
    return response;
  }
  if (type == "Event") {
    auto queued = invoker.enqueue_event(*target, std::move(payload));
    if (!queued) return std::unexpected(queued.error());
    response.status = 202;
    if (async_api) response.body = R"({"Status":202})";
    return response;
  }

  engine::InvokeInput input(std::move(payload));
  input.invoked_function_arn = registry.function_arn(target->function_name, route.qualifier);
  if (const std::string context = request.header("x-amz-client-context"); !context.empty()) {
    auto decoded = util::base64_decode(context);
    if (!decoded || !nlohmann::json::accept(*decoded)) {
      return std::unexpected(invalid("X-Amz-Client-Context must be base64-encoded JSON"));
    }
    input.client_context = std::move(*decoded);
  }
  auto invocation = invoker.invoke(*target, input);
  if (!invocation) return std::unexpected(invocation.error());
  response.status = 200;
  response.body = invocation->response;
  response.headers.emplace_back("x-amzn-RequestId", invocation->request_id);
  if (!invocation->ok()) response.headers.emplace_back("X-Amz-Function-Error", "Unhandled");
  if (log_type == "Tail") response.headers.emplace_back("X-Amz-Log-Result", util::base64_encode(log_tail(invocation->log_tail)));
  return response;
}

}  // namespace sweetspot::lambda_api
