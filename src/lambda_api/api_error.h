// Errors in the shapes the Lambda API answers with: the status code, the
// `X-Amzn-ErrorType` header (what botocore reads the error code from for the
// rest-json protocol, and so which exception class boto3 raises) and a JSON
// body with `Type` and `message`.
#pragma once

#include <string>

#include "lambda_api/api_types.h"

namespace sweetspot::lambda_api {

enum class ErrorCode {
  kResourceNotFound,         // 404: unknown function, version or alias
  kInvalidParameterValue,    // 400: a value out of range or of the wrong type
  kInvalidRequestContent,    // 400: a body that is not JSON
  kRequestTooLarge,          // 413: a payload over 6 MB
  kUnsupportedMediaType,     // 415
  kResourceConflict,         // 409: an alias that exists, a version still in use
  kPreconditionFailed,       // 412: a RevisionId that does not match
  kTooManyRequests,          // 429: every environment is busy
  kUnknownOperation,         // 404: a path or method this server does not answer
  kService,                  // 500: sweetspot itself failed (e.g. an environment could not start)
};

struct ApiError {
  ErrorCode code = ErrorCode::kService;
  std::string message;
  std::string reason;  // TooManyRequestsException's Reason, when set
};

const char* error_type_name(ErrorCode code);  // "ResourceNotFoundException", ...
int http_status(ErrorCode code);

ApiResponse error_response(const ApiError& error);

}  // namespace sweetspot::lambda_api
