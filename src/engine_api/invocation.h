// What one invoke produced and what it measured: the record every backend
// (local engine, real AWS) returns and the tuner consumes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/trace_segment.h"

namespace sweetspot::engine_api {

enum class StartKind { kCold, kWarm };

enum class Outcome {
  kSuccess,
  kFunctionError,  // the handler failed (X-Amz-Function-Error: Unhandled)
  kTimeout,        // Sandbox.Timedout
  kOutOfMemory,    // Runtime.OutOfMemory
  kRuntimeExit,    // Runtime.ExitError: the runtime died
  kInitError,      // the runtime reported /init/error or init timed out
  kPayloadTooLarge,  // RequestEntityTooLarge / Function.ResponseSizeTooLarge
  kInvokeFailed,     // the Lambda API refused or lost the invoke, or measured nothing (AWS backend)
};

const char* to_string(Outcome outcome);
const char* to_string(StartKind start);

struct Invocation {
  std::string request_id;
  int memory_mb = 0;
  StartKind start = StartKind::kWarm;
  Outcome outcome = Outcome::kSuccess;
  std::string error_type;     // e.g. "Runtime.OutOfMemory"; empty on success
  std::string error_message;
  std::string response;       // the response body, or the error JSON
  double duration_ms = 0;     // REPORT "Duration"
  int64_t billed_duration_ms = 0;  // ceil(duration), or ceil(init + duration) when cold
  std::optional<double> init_duration_ms;  // cold invokes only
  int max_memory_used_mb = 0;  // environment high-water mark
  double cpu_time_ms = 0;      // CPU the environment used during this invoke (all cores)
  bool limits_enforced = true; // false with --no-limits: nothing was capped
  std::string log_tail;        // this invoke's log, START to REPORT (at most the last 4 KB)
  // X-Ray: the trace header the runtime got (Lambda-Runtime-Trace-Id), and the
  // trace: the function's segment with its Initialization / Invocation / Overhead
  // phases, then every subsegment the function's X-Ray SDK sent (flattened, each
  // naming its parent). Empty when the backend records no trace.
  std::string trace_header;
  std::vector<TraceSegment> trace;
  uint64_t trace_dropped = 0;  // subsegments of this invoke dropped past the per-invoke limit

  bool ok() const { return outcome == Outcome::kSuccess; }
};

// The measurements of a REPORT line (engine/log_lines.h writes it; the AWS
// backend reads Lambda's back from the log tail).
struct ReportFields {
  std::string request_id;
  double duration_ms = 0;
  int64_t billed_duration_ms = 0;
  int memory_mb = 0;
  int max_memory_used_mb = 0;
  std::optional<double> init_duration_ms;
};

// Reads the last REPORT line in `log`; nullopt when there is none, or when it
// lacks Duration or Billed Duration. Fields it does not know (e.g. XRAY) are skipped.
std::optional<ReportFields> parse_report(std::string_view log);

}  // namespace sweetspot::engine_api
