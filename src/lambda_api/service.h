// The Lambda API as one function from request to response: routing, the
// control plane and Invoke, every failure answered in Lambda's error shape.
// Knows nothing of sockets (http_server.h carries it over HTTP).
#pragma once

#include "lambda_api/api_types.h"
#include "lambda_api/invoker.h"
#include "lambda_api/registry.h"

namespace sweetspot::lambda_api {

class Service {
 public:
  Service(FunctionRegistry& registry, Invoker& invoker) : registry_(registry), invoker_(invoker) {}

  // Never throws: an unexpected failure is a 500 ServiceException.
  ApiResponse handle(const ApiRequest& request) noexcept;

 private:
  FunctionRegistry& registry_;
  Invoker& invoker_;
};

}  // namespace sweetspot::lambda_api
