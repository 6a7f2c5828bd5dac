#include "aws/invoke_record.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sweetspot::aws {
namespace {

engine_api::Outcome outcome_of(const std::string& error_type) {
  using engine_api::Outcome;
  if (error_type == "Sandbox.Timedout") return Outcome::kTimeout;
  if (error_type == "Runtime.OutOfMemory") return Outcome::kOutOfMemory;
  if (error_type == "Runtime.ExitError") return Outcome::kRuntimeExit;
  if (error_type == "Function.ResponseSizeTooLarge") return Outcome::kPayloadTooLarge;
  if (error_type == "Runtime.ImportModuleError" || error_type == "Runtime.HandlerNotFound" ||
      error_type == "Runtime.UserCodeSyntaxError" || error_type == "Runtime.InitError") {
    return Outcome::kInitError;
  }
  return Outcome::kFunctionError;
}

}  // namespace

engine_api::Invocation to_invocation(int memory_mb, const std::expected<InvokeResult, ApiError>& answer) {
  engine_api::Invocation inv;
  inv.memory_mb = memory_mb;
  if (!answer) {
    inv.outcome = engine_api::Outcome::kInvokeFailed;
    inv.error_type = answer.error().code.empty() ? "InvokeFailed" : answer.error().code;
    inv.error_message = answer.error().describe();
    return inv;
  }
  inv.request_id = answer->request_id;
  inv.response = answer->payload;
  inv.log_tail = answer->log_tail;
  if (!answer->function_error.empty()) {
    const auto body = nlohmann::json::parse(answer->payload, nullptr, false);
    if (body.is_object()) {
      if (body.contains("errorType") && body["errorType"].is_string()) inv.error_type = body["errorType"];
      if (body.contains("errorMessage") && body["errorMessage"].is_string()) inv.error_message = body["errorMessage"];
    }
    if (inv.error_type.empty()) inv.error_type = answer->function_error;
    if (inv.error_message.empty()) inv.error_message = answer->payload.substr(0, 500);
    inv.outcome = outcome_of(inv.error_type);
  }
  const auto report = engine_api::parse_report(answer->log_tail);
  if (!report) {
    if (inv.ok()) {
      inv.outcome = engine_api::Outcome::kInvokeFailed;
      inv.error_type = "NoReport";
      inv.error_message = "the answer's log tail (X-Amz-Log-Result) held no REPORT line, so nothing was measured";
    }
    return inv;
  }
  if (report->memory_mb != 0 && report->memory_mb != memory_mb) {
    inv.outcome = engine_api::Outcome::kInvokeFailed;
    inv.error_type = "WrongSize";
    inv.error_message = fmt::format("the invoke ran at {} MB, not the {} MB asked for", report->memory_mb, memory_mb);
    return inv;
  }
  if (inv.request_id.empty()) inv.request_id = report->request_id;
  inv.duration_ms = report->duration_ms;
  inv.billed_duration_ms = report->billed_duration_ms;
  inv.max_memory_used_mb = report->max_memory_used_mb;
  inv.init_duration_ms = report->init_duration_ms;
  inv.start = report->init_duration_ms ? engine_api::StartKind::kCold : engine_api::StartKind::kWarm;
  return inv;
}

}  // namespace sweetspot::aws
