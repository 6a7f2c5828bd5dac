#include "cli/invocation_json.h"

#include "util/base64.h"
#include "report/trace_view.h"

namespace sweetspot::cli {
namespace {

// Strict UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). JSON
// text must be UTF-8; nlohmann would throw on anything else when dumping.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// The body as JSON when it is JSON, else as a string when it is text. Bytes that
// are not UTF-8 cannot be a JSON string: they go, unchanged, in base64.
void put_body(nlohmann::json& j, const char* key, const std::string& bytes) {
  if (!valid_utf8(bytes)) {
    j[key] = nullptr;
    j[std::string(key) + "Base64"] = util::base64_encode(bytes);
    return;
  }
  nlohmann::json body = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  j[key] = body.is_discarded() ? nlohmann::json(bytes) : std::move(body);
}

}  // namespace

nlohmann::json invocation_to_json(const engine_api::Invocation& inv) {
  nlohmann::json j = {
      {"requestId", inv.request_id},
      {"start", engine_api::to_string(inv.start)},
      {"outcome", engine_api::to_string(inv.outcome)},
      {"memorySizeMb", inv.memory_mb},
      {"durationMs", inv.duration_ms},
      {"billedDurationMs", inv.billed_duration_ms},
      {"initDurationMs", inv.init_duration_ms ? nlohmann::json(*inv.init_duration_ms) : nlohmann::json(nullptr)},
      {"maxMemoryUsedMb", inv.max_memory_used_mb},
      {"cpuTimeMs", inv.cpu_time_ms},
      {"limitsEnforced", inv.limits_enforced},
  };
  if (inv.ok()) {
    put_body(j, "response", inv.response);
    j["error"] = nullptr;
  } else {
    j["response"] = nullptr;
    nlohmann::json error = {{"errorType", inv.error_type}, {"errorMessage", inv.error_message}};
    put_body(error, "body", inv.response);
    j["error"] = std::move(error);
  }
  j["trace"] = report::trace_to_json(inv);
  return j;
}

std::string invocation_json_line(const engine_api::Invocation& inv, const std::vector<std::string>& notes) {
  nlohmann::json record = invocation_to_json(inv);
  if (!notes.empty()) record["notes"] = notes;
  // The error type and message come from the function too: any byte that is not
  // UTF-8 there becomes U+FFFD rather than an exception.
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sweetspot::cli
