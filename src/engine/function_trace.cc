#include "engine/function_trace.h"

#include <chrono>

#include "engine/ids.h"

namespace sweetspot::engine {

using engine_api::SegmentKind;
using engine_api::TraceSegment;

ClockPair ClockPair::now() {
  ClockPair c;
  c.steady = util::Clock::now();
  c.epoch_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return c;
}

double ClockPair::to_epoch(util::Clock::time_point t) const {
  return epoch_s + std::chrono::duration<double>(t - steady).count();
}

std::vector<TraceSegment> function_segments(std::string_view trace_header, std::string_view function_name,
                                            const InvokePhases& phases, const ClockPair& clocks) {
  const std::string root(trace_root(trace_header));
  const std::string parent(trace_parent(trace_header));
  if (root.empty() || parent.empty()) return {};
  auto make = [&](SegmentKind kind, std::string id, std::string parent_id, std::string_view name,
                  util::Clock::time_point from, std::optional<util::Clock::time_point> to) {
    TraceSegment s;
    s.kind = kind;
    s.id = std::move(id);
    s.parent_id = std::move(parent_id);
    s.trace_id = root;
    s.name = std::string(name);
    s.start_time = clocks.to_epoch(from);
    if (to) {
      s.end_time = clocks.to_epoch(*to);
    } else {
      s.in_progress = true;
    }
    s.recorded_by_lambda = true;
    return s;
  };
  const auto start = phases.init_start.value_or(phases.invocation_start);
  const auto end = phases.overhead_end.value_or(phases.invocation_end);
  std::vector<TraceSegment> out;
  out.reserve(4);
  out.push_back(make(SegmentKind::kSegment, parent, "", function_name, start, end));
  out.back().origin = std::string(kFunctionOrigin);
  if (phases.init_start && phases.init_end) {
    out.push_back(make(SegmentKind::kSubsegment, new_segment_id(), parent, kInitializationPhase, *phases.init_start,
                       *phases.init_end));
  }
  out.push_back(make(SegmentKind::kSubsegment, new_segment_id(), parent, kInvocationPhase, phases.invocation_start,
                     phases.invocation_end));
  out.push_back(make(SegmentKind::kSubsegment, new_segment_id(), parent, kOverheadPhase, phases.invocation_end,
                     phases.overhead_end));
  return out;
}

}  // namespace sweetspot::engine
