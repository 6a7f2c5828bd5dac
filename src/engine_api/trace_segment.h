// One X-Ray segment or subsegment of an invoke's trace, as every backend records
// it in an Invocation (engine/xray_segments.h parses the daemon's datagrams into it).
#pragma once

#include <string>

namespace sweetspot::engine_api {

enum class SegmentKind { kSegment, kSubsegment };

// One segment or subsegment, flattened: nested `subsegments` become their own
// entries whose parent_id names the entity that held them.
struct TraceSegment {
  SegmentKind kind = SegmentKind::kSubsegment;
  std::string id;         // 16 hex digits
  std::string trace_id;   // "1-<8 hex>-<24 hex>" (a subsegment sent alone carries it; a nested one inherits it)
  std::string parent_id;  // empty for a root segment
  std::string name;
  std::string namespace_name;  // "aws" (AWS SDK calls), "remote" (HTTP calls) or empty
  std::string origin;          // e.g. "AWS::Lambda::Function" on segments
  double start_time = 0;  // epoch seconds, as the documents carry them
  double end_time = 0;    // 0 while in progress
  bool in_progress = false;
  bool error = false;  // 4xx
  bool fault = false;  // 5xx or an exception

  // True for the function's segment and its Initialization / Invocation /
  // Overhead phases (the engine's records), false for what the function sent.
  bool recorded_by_lambda = false;

  double duration_ms() const { return in_progress || end_time < start_time ? 0 : (end_time - start_time) * 1000.0; }
};

}  // namespace sweetspot::engine_api
