// Turns what the Invoke API answered into the record every backend returns:
// REPORT's measurements from the log tail, the outcome from the error type.
#pragma once

#include <expected>

#include "aws/lambda_client.h"
#include "engine_api/invocation.h"

namespace sweetspot::aws {

// `memory_mb` is the size the invoke was meant to run at: a REPORT showing
// another size is a failed invoke, never a sample of the wrong size.
engine_api::Invocation to_invocation(int memory_mb, const std::expected<InvokeResult, ApiError>& answer);

}  // namespace sweetspot::aws
