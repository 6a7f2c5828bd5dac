#include "engine_api/invocation.h"

#include <charconv>

#include "engine_api/backend.h"

namespace sweetspot::engine_api {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFunctionError: return "function error";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kOutOfMemory: return "out of memory";
    case Outcome::kRuntimeExit: return "runtime exit";
    case Outcome::kInitError: return "init error";
    case Outcome::kPayloadTooLarge: return "payload too large";
    case Outcome::kInvokeFailed: return "invoke failed";
  }
  return "unknown";
}

const char* to_string(StartKind start) { return start == StartKind::kCold ? "cold" : "warm"; }

const char* to_string(Architecture arch) { return arch == Architecture::kArm64 ? "arm64" : "x86_64"; }

namespace {

// No field of a real REPORT comes near this (900,000 ms, 10,240 MB); bounding it
// keeps the conversions to integers defined (a log tail is the function's output).
constexpr double kMaxReportNumber = 1e9;

// "102.25 ms" -> 102.25; false unless it is a number in [0, 1e9] followed by `unit`.
bool read_number(std::string_view text, std::string_view unit, double& out) {
  if (!text.ends_with(unit)) return false;
  text.remove_suffix(unit.size());
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return false;
  if (!(value >= 0 && value <= kMaxReportNumber)) return false;  // also NaN
  out = value;
  return true;
}

}  // namespace

std::optional<ReportFields> parse_report(std::string_view log) {
  const size_t at = log.rfind("REPORT RequestId: ");
  if (at == std::string_view::npos || (at > 0 && log[at - 1] != '\n')) return std::nullopt;
  std::string_view line = log.substr(at);
  line = line.substr(0, line.find('\n'));
  ReportFields report;
  bool has_duration = false, has_billed = false;
  size_t start = 0;
  while (start < line.size()) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) tab = line.size();
    const std::string_view field = line.substr(start, tab - start);
    start = tab + 1;
    const size_t colon = field.find(": ");
    if (colon == std::string_view::npos) continue;
    const std::string_view key = field.substr(0, colon), value = field.substr(colon + 2);
    double number = 0;
    if (key == "REPORT RequestId") {
      report.request_id = std::string(value);
    } else if (key == "Duration" && read_number(value, "ms", number)) {
      report.duration_ms = number;
      has_duration = true;
    } else if (key == "Billed Duration" && read_number(value, "ms", number)) {
      report.billed_duration_ms = static_cast<int64_t>(number);
      has_billed = true;
    } else if (key == "Memory Size" && read_number(value, "MB", number)) {
      report.memory_mb = static_cast<int>(number);
    } else if (key == "Max Memory Used" && read_number(value, "MB", number)) {
      report.max_memory_used_mb = static_cast<int>(number);
    } else if (key == "Init Duration" && read_number(value, "ms", number)) {
      report.init_duration_ms = number;
    }
  }
  if (!has_duration || !has_billed) return std::nullopt;
  return report;
}

}  // namespace sweetspot::engine_api
