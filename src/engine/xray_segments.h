// X-Ray trace documents as the X-Ray daemon receives them: one datagram is a JSON
// header line, a newline, then one segment or subsegment document. This file only
// parses; xray_daemon.h owns the socket.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/trace_segment.h"
#include "util/error.h"

namespace sweetspot::engine {

// The header every X-Ray SDK puts before each document.
inline constexpr std::string_view kXRayDaemonHeader = R"({"format":"json","version":1})";
// X-Ray's limit on one segment document, "64 kB" (read as 64,000 bytes: a UDP
// datagram on IPv4 carries at most 65,507, so the limit can be reached and tested).
inline constexpr std::size_t kMaxXRayDatagramBytes = 64'000;

// What Lambda itself records for each invoke (AWS X-Ray's Lambda docs): the
// function's segment, with this origin, and its phases as subsegments. The
// function's X-Ray SDK makes a facade of that segment (its id is the Parent of
// the trace header) and sends its own subsegments as children of it.
inline constexpr std::string_view kFunctionOrigin = "AWS::Lambda::Function";
inline constexpr std::string_view kInitializationPhase = "Initialization";
inline constexpr std::string_view kInvocationPhase = "Invocation";
inline constexpr std::string_view kOverheadPhase = "Overhead";

// Why a datagram was dropped; each is counted by the daemon.
enum class DatagramProblem {
  kOversize,        // more than kMaxXRayDatagramBytes
  kBadHeader,       // no header line, or not {"format":"json","version":1}
  kMalformed,       // the document is not JSON, or lacks what every segment has
  kTooManyEntities, // more nested subsegments than one datagram may carry
};
const char* to_string(DatagramProblem problem);

struct DatagramError {
  DatagramProblem problem;
  std::string detail;
};

// At most this many entities come out of one datagram and nesting is followed
// this deep: a 64 KB document can hold thousands of tiny subsegments.
inline constexpr std::size_t kMaxEntitiesPerDatagram = 256;
inline constexpr int kMaxNestingDepth = 32;

// Parses one datagram. Pure (no I/O, no globals): the fuzz target calls it directly.
std::expected<std::vector<engine_api::TraceSegment>, DatagramError> parse_xray_datagram(std::string_view datagram);

// "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
// -> "1-5759e988-bd862e3fe1be46a994272793"; empty when there is no Root.
std::string_view trace_root(std::string_view trace_header);
// Likewise the Parent field, the id of the function's own segment.
std::string_view trace_parent(std::string_view trace_header);

}  // namespace sweetspot::engine
