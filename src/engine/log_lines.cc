#include "engine/log_lines.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>

namespace sweetspot::engine {

using engine_api::Invocation;

std::string start_line(std::string_view request_id, std::string_view version) {
  return fmt::format("START RequestId: {} Version: {}\n", request_id, version);
}

std::string end_line(std::string_view request_id) { return fmt::format("END RequestId: {}\n", request_id); }

std::string report_line(const Invocation& inv) {
  std::string line = fmt::format(
      "REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} MB\t"
      "Max Memory Used: {} MB\t",
      inv.request_id, inv.duration_ms, inv.billed_duration_ms, inv.memory_mb, inv.max_memory_used_mb);
  if (inv.init_duration_ms) line += fmt::format("Init Duration: {:.2f} ms\t", *inv.init_duration_ms);
  line += '\n';
  return line;
}

std::string timeout_message(double timeout_s) {
  return fmt::format("Task timed out after {:.2f} seconds", timeout_s);
}

std::string timeout_line(std::string_view request_id, double timeout_s) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  // fmt 9 prints whole seconds for %S; Lambda's timestamps carry milliseconds.
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z {} {}\n", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms,
                     request_id, timeout_message(timeout_s));
}

}  // namespace sweetspot::engine
