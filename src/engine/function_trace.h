// What Lambda itself records in X-Ray for one invoke: the function's segment
// (origin AWS::Lambda::Function, its id the Parent of the trace header the
// runtime got, so the SDK's subsegments hang under it) with the phases as
// subsegments: Initialization (cold starts only), Invocation (event handed over
// to response) and Overhead (response to the runtime's next /next).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/xray_segments.h"
#include "util/clock.h"

namespace sweetspot::engine {

struct InvokePhases {
  std::optional<util::Clock::time_point> init_start, init_end;  // cold invokes only
  util::Clock::time_point invocation_start, invocation_end;
  std::optional<util::Clock::time_point> overhead_end;  // unset: the runtime has not asked for the next event
};

// Steady-clock points become X-Ray's epoch seconds through one pair of readings
// of both clocks taken together.
struct ClockPair {
  util::Clock::time_point steady;
  double epoch_s = 0;
  static ClockPair now();
  double to_epoch(util::Clock::time_point t) const;
};

// The segment, then its phases. Empty when the header has no Root or Parent.
std::vector<engine_api::TraceSegment> function_segments(std::string_view trace_header, std::string_view function_name,
                                            const InvokePhases& phases, const ClockPair& clocks);

}  // namespace sweetspot::engine
