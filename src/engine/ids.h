// Identifiers Lambda hands a runtime: request ids, X-Ray trace ids, log streams.
#pragma once

#include <string>
#include <string_view>

namespace sweetspot::engine {

std::string new_request_id();  // a random UUID v4, as Lambda's request ids are
// "Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=1": every invoke is sampled,
// so a function's X-Ray SDK records and sends its subsegments.
std::string new_trace_id();
std::string new_segment_id();  // 16 hex digits, an X-Ray segment id
std::string new_log_stream_name(std::string_view version = "$LATEST");  // "2026/11/27/[$LATEST]<32 hex>"

}  // namespace sweetspot::engine
