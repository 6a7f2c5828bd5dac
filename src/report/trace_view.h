// An invoke's X-Ray trace for people and programs: a terminal waterfall
// (`sweetspot invoke --trace`) and the JSON that `--json` records carry.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine_api/invocation.h"
#include "tuner/tuner.h"

namespace sweetspot::report {

// One line per segment, children indented under their parent in start order:
// name, a bar placed on the invoke's time line `bar_width` columns wide, the
// duration. Segments whose parent is not in the trace are shown at the top level.
// Empty when the invoke has no trace.
std::string render_waterfall(const engine_api::Invocation& inv, int bar_width = 40);

// {"header": "Root=...", "segments": [X-Ray segment documents, flattened:
// id, name, trace_id, parent_id, type, namespace, origin, start_time, end_time,
// in_progress, error, fault, plus duration_ms and recorded_by ("lambda" or
// "function")], "droppedSubsegments": N}; null when the invoke has no trace.
nlohmann::json trace_to_json(const engine_api::Invocation& inv);

// The tuner's parts (X-Ray subsegments) per size: p50 per size, share of the
// time at the recommended size, and the verdict. Empty without parts.
std::string render_parts_table(const tuner::TuneResult& result);

// {"definition": ..., "parts": [{name, topLevel, verdict, fixedMs, cpuMs,
// explained, cpuFraction, sizes: [{memoryMb, samples, p50Ms, p95Ms, meanMs,
// share}]}], "limitingPart": {memoryMb, name, share, verdict} | null}; null
// without parts.
nlohmann::json trace_parts_to_json(const tuner::TuneResult& result);

}  // namespace sweetspot::report
