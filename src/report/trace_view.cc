#include "report/trace_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace sweetspot::report {
namespace {

using engine_api::TraceSegment;

struct Layout {
  double t0 = 0, t1 = 0;  // the time line: earliest start, latest end
  int width = 40;
  std::string bar(const TraceSegment& s) const {
    const double span = std::max(t1 - t0, 1e-9);
    const double end = s.in_progress ? t1 : s.end_time;
    // Clamped before the conversion to int: a function's segments can lie far off
    // the time line (an end before its start), and out of int's range the
    // conversion is undefined.
    const auto column = [&](double x) { return !(x > 0) ? 0 : x >= width ? width : static_cast<int>(x); };
    const int from = std::min(column(std::floor((s.start_time - t0) / span * width + 1e-6)), width - 1);
    const int to = std::clamp(column(std::ceil((end - t0) / span * width - 1e-6)), from + 1, width);
    std::string filled;
    for (int i = 0; i < width; ++i) filled += (i >= from && i < to) ? "\u2588" : " ";
    return filled;
  }
};

}  // namespace

std::string render_waterfall(const engine_api::Invocation& inv, int bar_width) {
  if (inv.trace.empty()) return {};
  Layout layout;
  layout.width = std::max(bar_width, 10);
  layout.t0 = inv.trace.front().start_time;
  layout.t1 = inv.trace.front().end_time;
  std::set<std::string> ids;
  for (const auto& s : inv.trace) {
    layout.t0 = std::min(layout.t0, s.start_time);
    layout.t1 = std::max(layout.t1, s.in_progress ? s.start_time : s.end_time);
    ids.insert(s.id);
  }
  // Children by parent, in start order; roots are those whose parent is absent.
  std::map<std::string, std::vector<const TraceSegment*>> children;
  std::vector<const TraceSegment*> roots;
  for (const auto& s : inv.trace) {
    if (!s.parent_id.empty() && ids.contains(s.parent_id) && s.parent_id != s.id) {
      children[s.parent_id].push_back(&s);
    } else {
      roots.push_back(&s);
    }
  }
  auto by_start = [](const TraceSegment* a, const TraceSegment* b) { return a->start_time < b->start_time; };
  std::ranges::stable_sort(roots, by_start);
  for (auto& [_, list] : children) std::ranges::stable_sort(list, by_start);

  struct Row {
    std::string label;
    const TraceSegment* s;
  };
  std::vector<Row> rows;
  std::set<const TraceSegment*> seen;  // guards against parent cycles in what a function sent
  auto walk = [&](auto&& self, const TraceSegment* s, int depth) -> void {
    if (!seen.insert(s).second || depth > 64) return;
    std::string label = std::string(static_cast<size_t>(depth) * 2, ' ') + s->name;
    if (!s->namespace_name.empty()) label += " (" + s->namespace_name + ")";
    rows.push_back({std::move(label), s});
    if (auto it = children.find(s->id); it != children.end()) {
      for (const auto* c : it->second) self(self, c, depth + 1);
    }
  };
  for (const auto* r : roots) walk(walk, r, 0);

  size_t label_width = 0;
  for (const auto& r : rows) label_width = std::max(label_width, r.label.size());
  label_width = std::min<size_t>(label_width, 48);
  std::string out = fmt::format("trace {}\n", inv.trace_header.empty() ? inv.trace.front().trace_id : inv.trace_header);
  for (const auto& r : rows) {
    std::string label = r.label.size() > label_width ? r.label.substr(0, label_width - 1) + "~" : r.label;
    std::string marks;
    if (r.s->fault) marks += " fault";
    else if (r.s->error) marks += " error";
    const std::string ms = r.s->in_progress ? std::string("in progress") : fmt::format("{:.2f} ms", r.s->duration_ms());
    out += fmt::format("  {:<{}} |{}| {:>11}{}\n", label, label_width, layout.bar(*r.s), ms, marks);
  }
  if (inv.trace_dropped > 0) {
    out += fmt::format("  ({} more subsegments dropped: over the per-invoke limit)\n", inv.trace_dropped);
  }
  return out;
}

nlohmann::json trace_to_json(const engine_api::Invocation& inv) {
  if (inv.trace.empty() && inv.trace_header.empty()) return nullptr;
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& s : inv.trace) {
    nlohmann::json j = {
        {"id", s.id},
        {"name", s.name},
        {"trace_id", s.trace_id},
        {"parent_id", s.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.parent_id)},
        {"type", s.kind == engine_api::SegmentKind::kSegment ? "segment" : "subsegment"},
        {"start_time", s.start_time},
        {"end_time", s.in_progress ? nlohmann::json(nullptr) : nlohmann::json(s.end_time)},
        {"in_progress", s.in_progress},
        {"duration_ms", s.in_progress ? nlohmann::json(nullptr) : nlohmann::json(s.duration_ms())},
        {"recorded_by", s.recorded_by_lambda ? "lambda" : "function"},
    };
    if (!s.namespace_name.empty()) j["namespace"] = s.namespace_name;
    if (!s.origin.empty()) j["origin"] = s.origin;
    if (s.error) j["error"] = true;
    if (s.fault) j["fault"] = true;
    segments.push_back(std::move(j));
  }
  return {{"header", inv.trace_header}, {"segments", std::move(segments)}, {"droppedSubsegments", inv.trace_dropped}};
}

namespace {

// The top-level part with the largest share at the recommended size.
const tuner::PartScaling* limiting_part(const tuner::TuneResult& r) {
  const tuner::SizeResult* chosen = r.recommended();
  if (chosen == nullptr) return nullptr;
  const tuner::PartScaling* best = nullptr;
  for (const auto& p : r.trace_parts) {
    const tuner::PartTiming* t = p.top_level ? p.at(chosen->memory_mb) : nullptr;
    if (t && (!best || t->share > best->at(chosen->memory_mb)->share)) best = &p;
  }
  return best;
}

}  // namespace

std::string render_parts_table(const tuner::TuneResult& r) {
  if (r.trace_parts.empty()) return {};
  std::vector<int> sizes;
  for (const auto& s : r.sizes) {
    if (!s.parts.empty()) sizes.push_back(s.memory_mb);
  }
  const tuner::SizeResult* chosen = r.recommended();
  size_t name_width = 4;
  for (const auto& p : r.trace_parts) name_width = std::max(name_width, p.name.size() + (p.top_level ? 0 : 2));
  name_width = std::min<size_t>(name_width, 40);
  std::string out = "Where the time goes (X-Ray subsegments; p50 ms at each size";
  out += chosen ? fmt::format(", share of the time at {} MB):\n", chosen->memory_mb) : "):\n";
  out += fmt::format("  {:<{}}", "part", name_width);
  for (int mb : sizes) out += fmt::format(" {:>9}", fmt::format("{} MB", mb));
  out += fmt::format(" {:>6}  {}\n", "share", "memory");
  for (const auto& p : r.trace_parts) {
    std::string name = (p.top_level ? "" : "  ") + p.name;
    if (name.size() > name_width) name = name.substr(0, name_width - 1) + "~";
    out += fmt::format("  {:<{}}", name, name_width);
    for (int mb : sizes) {
      const tuner::PartTiming* t = p.at(mb);
      out += t ? fmt::format(" {:>9.1f}", t->p50_ms) : fmt::format(" {:>9}", "-");
    }
    const tuner::PartTiming* at_chosen = chosen ? p.at(chosen->memory_mb) : nullptr;
    const std::string share = at_chosen && p.top_level ? fmt::format("{:.0f}%", at_chosen->share * 100) : "";
    out += fmt::format(" {:>6}  {}", share, tuner::describe(p.verdict));
    if (p.verdict != tuner::MemoryScaling::kUnknown) {
      out += fmt::format(" ({:.0f}% CPU at the smallest size, fit R\u00b2 {:.2f})", p.cpu_fraction * 100, p.explained);
    }
    out += "\n";
  }
  return out;
}

nlohmann::json trace_parts_to_json(const tuner::TuneResult& r) {
  if (r.trace_parts.empty()) return nullptr;
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : r.trace_parts) {
    nlohmann::json sizes = nlohmann::json::array();
    for (const auto& s : p.sizes) {
      sizes.push_back({{"memoryMb", s.memory_mb},
                       {"samples", s.timing.samples},
                       {"p50Ms", s.timing.p50_ms},
                       {"p95Ms", s.timing.p95_ms},
                       {"meanMs", s.timing.mean_ms},
                       {"share", s.timing.share}});
    }
    parts.push_back({{"name", p.name},
                     {"topLevel", p.top_level},
                     {"verdict", tuner::to_string(p.verdict)},
                     {"description", tuner::describe(p.verdict)},
                     {"fixedMs", p.fixed_ms},
                     {"cpuMs", p.cpu_ms},
                     {"explained", p.explained},
                     {"cpuFraction", p.cpu_fraction},
                     {"sizes", std::move(sizes)}});
  }
  nlohmann::json limiting = nullptr;
  if (const tuner::PartScaling* p = limiting_part(r)) {
    const int mb = r.recommended()->memory_mb;
    limiting = {{"memoryMb", mb},
                {"name", p->name},
                {"share", p->at(mb)->share},
                {"verdict", tuner::to_string(p->verdict)},
                {"sentence", tuner::limiting_part_sentence(r.trace_parts, mb)}};
  }
  return {{"definition",
           fmt::format("per part, p50(size) = fixedMs + cpuMs / min(vCPUs, 1) (vCPUs = memory / 1769, or fewer where "
                       "the host gave fewer), least squares over the sizes; cpuFraction = the 1/share term's part of the "
                       "fit at the smallest size; verdict: scales if cpuFraction >= {}, flat if <= {}, else in between; "
                       "with every size at or above one vCPU, cpuMs / vCPUs uncapped and only scales (else unknown); "
                       "share = the part's mean / the mean Duration",
                       tuner::kScalesAbove, tuner::kFlatBelow)},
          {"parts", std::move(parts)},
          {"limitingPart", std::move(limiting)}};
}

}  // namespace sweetspot::report
