#include "cli/invocation_json.h"

namespace sweetspot::cli {

nlohmann::json invocation_to_json(const engine::Invocation& inv) {
  nlohmann::json body = nlohmann::json::parse(inv.response, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) body = inv.response;
  nlohmann::json j = {
      {"requestId", inv.request_id},
      {"start", engine::to_string(inv.start)},
      {"outcome", engine::to_string(inv.outcome)},
      {"memorySizeMb", inv.memory_mb},
      {"durationMs", inv.duration_ms},
      {"billedDurationMs", inv.billed_duration_ms},
      {"initDurationMs", inv.init_duration_ms ? nlohmann::json(*inv.init_duration_ms) : nlohmann::json(nullptr)},
      {"maxMemoryUsedMb", inv.max_memory_used_mb},
      {"cpuTimeMs", inv.cpu_time_ms},
      {"limitsEnforced", inv.limits_enforced},
  };
  if (inv.ok()) {
    j["response"] = std::move(body);
    j["error"] = nullptr;
  } else {
    j["response"] = nullptr;
    j["error"] = {{"errorType", inv.error_type}, {"errorMessage", inv.error_message}, {"body", std::move(body)}};
  }
  return j;
}

}  // namespace sweetspot::cli
