#include "engine/xray_segments.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace sweetspot::engine {

using engine_api::SegmentKind;
using engine_api::TraceSegment;

namespace {

using nlohmann::json;

std::unexpected<DatagramError> problem(DatagramProblem p, std::string detail) {
  return std::unexpected(DatagramError{p, std::move(detail)});
}

std::string string_field(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number_field(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_number() ? it->get<double>() : 0.0;
}

bool bool_field(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_boolean() && it->get<bool>();
}

struct Flattener {
  std::vector<TraceSegment> out;
  std::string error;  // set when a document is malformed
  bool too_many = false;

  // Adds `doc` and, depth first, the subsegments it nests.
  void add(const json& doc, SegmentKind kind, const std::string& inherited_trace, const std::string& inherited_parent,
           int depth) {
    if (!error.empty() || too_many) return;
    if (!doc.is_object()) {
      error = "a segment is not a JSON object";
      return;
    }
    if (depth > kMaxNestingDepth) {
      error = fmt::format("subsegments nested deeper than {}", kMaxNestingDepth);
      return;
    }
    if (out.size() >= kMaxEntitiesPerDatagram) {
      too_many = true;
      return;
    }
    TraceSegment s;
    s.kind = kind;
    if (string_field(doc, "type") == "subsegment") s.kind = SegmentKind::kSubsegment;
    s.id = string_field(doc, "id");
    s.name = string_field(doc, "name");
    s.trace_id = string_field(doc, "trace_id");
    if (s.trace_id.empty()) s.trace_id = inherited_trace;
    s.parent_id = string_field(doc, "parent_id");
    if (s.parent_id.empty()) s.parent_id = inherited_parent;
    s.namespace_name = string_field(doc, "namespace");
    s.origin = string_field(doc, "origin");
    s.start_time = number_field(doc, "start_time");
    s.end_time = number_field(doc, "end_time");
    s.in_progress = bool_field(doc, "in_progress");
    s.error = bool_field(doc, "error");
    s.fault = bool_field(doc, "fault");
    // What the X-Ray API itself requires of every document.
    if (s.id.empty() || s.name.empty() || s.trace_id.empty() || s.start_time <= 0) {
      error = "a segment lacks id, name, trace_id or start_time";
      return;
    }
    if (!s.in_progress && s.end_time <= 0) {
      error = fmt::format("segment {} has neither end_time nor in_progress", s.id);
      return;
    }
    if (s.kind == SegmentKind::kSubsegment && s.parent_id.empty()) {
      error = fmt::format("subsegment {} has no parent_id", s.id);
      return;
    }
    const std::string trace = s.trace_id;
    const std::string id = s.id;
    out.push_back(std::move(s));
    if (auto subs = doc.find("subsegments"); subs != doc.end()) {
      if (!subs->is_array()) {
        error = "subsegments is not an array";
        return;
      }
      for (const auto& sub : *subs) add(sub, SegmentKind::kSubsegment, trace, id, depth + 1);
    }
  }
};

bool header_ok(std::string_view line) {
  // The SDKs send it without spaces; parsing accepts any spelling of the same JSON.
  if (line == kXRayDaemonHeader) return true;
  json header = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return false;
  auto format = header.find("format");
  auto version = header.find("version");
  return format != header.end() && *format == "json" && version != header.end() && *version == 1;
}

std::string_view header_field(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    if (part.size() > key.size() && part.starts_with(key) && part[key.size()] == '=') return part.substr(key.size() + 1);
    pos = end + 1;
  }
  return {};
}

}  // namespace

const char* to_string(DatagramProblem problem) {
  switch (problem) {
    case DatagramProblem::kOversize: return "oversize";
    case DatagramProblem::kBadHeader: return "bad header";
    case DatagramProblem::kMalformed: return "malformed";
    case DatagramProblem::kTooManyEntities: return "too many subsegments";
  }
  return "?";
}

std::expected<std::vector<TraceSegment>, DatagramError> parse_xray_datagram(std::string_view datagram) {
  if (datagram.size() > kMaxXRayDatagramBytes) {
    return problem(DatagramProblem::kOversize,
                   fmt::format("{} bytes, over the {} byte limit", datagram.size(), kMaxXRayDatagramBytes));
  }
  const size_t newline = datagram.find('\n');
  if (newline == std::string_view::npos) return problem(DatagramProblem::kBadHeader, "no header line");
  if (!header_ok(datagram.substr(0, newline))) {
    return problem(DatagramProblem::kBadHeader, "the header is not {\"format\":\"json\",\"version\":1}");
  }
  json doc = json::parse(datagram.substr(newline + 1), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return problem(DatagramProblem::kMalformed, "the document is not JSON");
  Flattener flat;
  flat.add(doc, SegmentKind::kSegment, "", "", 0);
  if (flat.too_many) {
    return problem(DatagramProblem::kTooManyEntities,
                   fmt::format("more than {} segments in one datagram", kMaxEntitiesPerDatagram));
  }
  if (!flat.error.empty()) return problem(DatagramProblem::kMalformed, std::move(flat.error));
  return std::move(flat.out);
}

std::string_view trace_root(std::string_view trace_header) { return header_field(trace_header, "Root"); }
std::string_view trace_parent(std::string_view trace_header) { return header_field(trace_header, "Parent"); }

}  // namespace sweetspot::engine
