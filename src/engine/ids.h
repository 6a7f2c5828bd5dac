// Identifiers Lambda hands a runtime: request ids, X-Ray trace ids, log streams.
#pragma once

#include <string>

namespace sweetspot::engine {

std::string new_request_id();  // a random UUID v4, as Lambda's request ids are
std::string new_trace_id();    // "Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0"
std::string new_log_stream_name();  // "2026/11/27/[$LATEST]<32 hex>"

}  // namespace sweetspot::engine
