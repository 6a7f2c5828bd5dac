// Which Lambda API operation a request is, and the names in its path and query:
// the REST routes of the 2015-03-31 API (as botocore's model lays them out).
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lambda_api/api_error.h"

namespace sweetspot::lambda_api {

enum class Operation {
  kInvoke,
  kInvokeAsync,  // the deprecated 2014-11-13 InvokeAsync: an Event invoke
  kListFunctions,
  kGetFunction,
  kDeleteFunction,
  kGetFunctionConfiguration,
  kUpdateFunctionConfiguration,
  kPublishVersion,
  kListVersionsByFunction,
  kCreateAlias,
  kListAliases,
  kGetAlias,
  kUpdateAlias,
  kDeleteAlias,
};

const char* operation_name(Operation op);

struct Route {
  Operation op = Operation::kListFunctions;
  std::string function_name;             // the bare name, from a name, partial ARN or ARN
  std::optional<std::string> qualifier;  // from `?Qualifier=` or a `name:qualifier` suffix
  std::string alias_name;                // for the alias operations with {Name} in the path
  std::map<std::string, std::string> query;  // decoded
};

// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

// `name`, `name:qualifier`, `ACCOUNT:function:name[:q]` or
// `arn:aws:lambda:REGION:ACCOUNT:function:name[:q]` -> name and qualifier.
struct FunctionRef {
  std::string name;
  std::optional<std::string> qualifier;
};
std::expected<FunctionRef, ApiError> parse_function_name(std::string_view text);

// The operation `method` `target` (path and query as sent) asks for, or the
// error to answer with (unknown path: UnknownOperationException naming what
// this server does answer).
std::expected<Route, ApiError> route_request(std::string_view method, std::string_view target);

}  // namespace sweetspot::lambda_api
