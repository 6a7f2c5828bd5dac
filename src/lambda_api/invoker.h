// What the API needs from whatever runs invokes: the local environment pool in
// `serve`, something else in tests and the fuzz target.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "engine/execution_environment.h"
#include "engine_api/invocation.h"
#include "lambda_api/api_error.h"
#include "lambda_api/registry.h"

namespace sweetspot::lambda_api {

class Invoker {
 public:
  virtual ~Invoker() = default;
  // A synchronous invoke (RequestResponse). TooManyRequestsException when no
  // environment can take it now.
  virtual std::expected<engine_api::Invocation, ApiError> invoke(const Resolved& target, const engine::InvokeInput& input) = 0;
  // An Event invoke: queued, run in the background; an error only when it cannot be queued.
  virtual std::expected<void, ApiError> enqueue_event(const Resolved& target, std::string payload) = 0;
  // The configuration of `version` changed or the version was deleted: its warm
  // environments must not serve another invoke.
  virtual void retire(std::string_view function_name, std::string_view version) = 0;
};

}  // namespace sweetspot::lambda_api
