#include "lambda_api/api_error.h"

#include <nlohmann/json.hpp>

namespace sweetspot::lambda_api {

const char* error_type_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kResourceNotFound: return "ResourceNotFoundException";
    case ErrorCode::kInvalidParameterValue: return "InvalidParameterValueException";
    case ErrorCode::kInvalidRequestContent: return "InvalidRequestContentException";
    case ErrorCode::kRequestTooLarge: return "RequestTooLargeException";
    case ErrorCode::kUnsupportedMediaType: return "UnsupportedMediaTypeException";
    case ErrorCode::kResourceConflict: return "ResourceConflictException";
    case ErrorCode::kPreconditionFailed: return "PreconditionFailedException";
    case ErrorCode::kTooManyRequests: return "TooManyRequestsException";
    case ErrorCode::kUnknownOperation: return "UnknownOperationException";
    case ErrorCode::kService: return "ServiceException";
  }
  return "ServiceException";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kResourceNotFound: return 404;
    case ErrorCode::kInvalidParameterValue: return 400;
    case ErrorCode::kInvalidRequestContent: return 400;
    case ErrorCode::kRequestTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kResourceConflict: return 409;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kUnknownOperation: return 404;
    case ErrorCode::kService: return 500;
  }
  return 500;
}

ApiResponse error_response(const ApiError& error) {
  ApiResponse response;
  response.status = http_status(error.code);
  response.headers.emplace_back("X-Amzn-ErrorType", error_type_name(error.code));
  nlohmann::json body{{"Type", error.code == ErrorCode::kService ? "Service" : "User"}};
  // ResourceNotFoundException and ServiceException model `Message`; the others `message`.
  const bool capital = error.code == ErrorCode::kResourceNotFound || error.code == ErrorCode::kService;
  body[capital ? "Message" : "message"] = error.message;
  if (!error.reason.empty()) body["Reason"] = error.reason;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace sweetspot::lambda_api
