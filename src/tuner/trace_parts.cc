#include "tuner/trace_parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine_api/lambda_limits.h"
#include "tuner/share_fit.h"
#include "tuner/statistics.h"
#include "util/strings.h"

namespace sweetspot::tuner {
namespace {

// The function's own segment in one invoke's trace (the engine records it).
const engine_api::TraceSegment* function_segment(const std::vector<engine_api::TraceSegment>& trace) {
  for (const auto& s : trace) {
    if (s.recorded_by_lambda && s.kind == engine_api::SegmentKind::kSegment) return &s;
  }
  return nullptr;
}

}  // namespace

const char* to_string(MemoryScaling scaling) {
  switch (scaling) {
    case MemoryScaling::kScales: return "scales";
    case MemoryScaling::kFlat: return "flat";
    case MemoryScaling::kInBetween: return "in between";
    case MemoryScaling::kUnknown: return "unknown";
  }
  return "unknown";
}

const char* describe(MemoryScaling scaling) {
  switch (scaling) {
    case MemoryScaling::kScales: return "scales with CPU";
    case MemoryScaling::kFlat: return "flat (waiting)";
    case MemoryScaling::kInBetween: return "partly CPU, partly waiting";
    case MemoryScaling::kUnknown: return "not enough sizes to tell";
  }
  return "";
}

std::vector<PartTiming> time_parts(const std::vector<engine_api::Invocation>& invocations) {
  struct Samples {
    bool top_level = false;
    std::vector<double> per_invoke;  // one entry per successful invoke (0 where absent)
    int present = 0;
  };
  std::map<std::string, Samples> by_name;
  std::vector<double> durations;
  bool any_part = false;
  for (const auto& inv : invocations) {
    if (!inv.ok()) continue;
    const size_t index = durations.size();
    durations.push_back(inv.duration_ms);
    const engine_api::TraceSegment* fn = function_segment(inv.trace);
    std::map<std::string, std::pair<double, bool>> this_invoke;  // name -> (total ms, top level)
    double top_level_ms = 0;
    for (const auto& s : inv.trace) {
      if (s.recorded_by_lambda || s.kind != engine_api::SegmentKind::kSubsegment) continue;
      const bool top = fn != nullptr && s.parent_id == fn->id;
      auto& [ms, is_top] = this_invoke[s.name];
      ms += s.duration_ms();
      is_top = is_top || top;
      if (top) top_level_ms += s.duration_ms();
    }
    if (!this_invoke.empty()) {
      any_part = true;
      this_invoke[kUntracedPart] = {std::max(0.0, inv.duration_ms - top_level_ms), true};
    }
    for (const auto& [name, value] : this_invoke) {
      Samples& samples = by_name[name];
      samples.top_level = samples.top_level || value.second;
      samples.per_invoke.resize(index + 1, 0.0);
      samples.per_invoke[index] = value.first;
      ++samples.present;
    }
  }
  if (!any_part) return {};
  double mean_duration = 0;
  for (double d : durations) mean_duration += d;
  mean_duration /= static_cast<double>(durations.size());

  std::vector<PartTiming> parts;
  for (auto& [name, samples] : by_name) {
    samples.per_invoke.resize(durations.size(), 0.0);
    std::vector<double> sorted = samples.per_invoke;
    std::ranges::sort(sorted);
    PartTiming t;
    t.name = name;
    t.top_level = samples.top_level;
    t.samples = samples.present;
    t.p50_ms = percentile_of_sorted(sorted, 50);
    t.p95_ms = percentile_of_sorted(sorted, 95);
    for (double v : sorted) t.mean_ms += v;
    t.mean_ms /= static_cast<double>(sorted.size());
    t.share = mean_duration > 0 ? std::clamp(t.mean_ms / mean_duration, 0.0, 1.0) : 0;
    parts.push_back(std::move(t));
  }
  std::ranges::sort(parts, [](const PartTiming& a, const PartTiming& b) {
    if (a.top_level != b.top_level) return a.top_level;
    return a.mean_ms > b.mean_ms;
  });
  return parts;
}

const PartTiming* PartScaling::at(int memory_mb) const {
  for (const auto& s : sizes) {
    if (s.memory_mb == memory_mb) return &s.timing;
  }
  return nullptr;
}

std::vector<PartScaling> fit_parts(const std::vector<SizeParts>& sizes) {
  std::map<std::string, PartScaling> by_name;
  std::map<int, double> cpus_at;  // memory -> vCPUs it ran with
  for (const auto& size : sizes) {
    cpus_at[size.memory_mb] = size.cpus > 0 ? size.cpus : engine_api::cpu_share(size.memory_mb);
    for (const auto& part : size.parts) {
      PartScaling& p = by_name[part.name];
      p.name = part.name;
      p.top_level = part.top_level;
      p.sizes.push_back({size.memory_mb, part});
    }
  }
  std::vector<PartScaling> out;
  for (auto& [name, p] : by_name) {
    std::ranges::sort(p.sizes, {}, &PartAtSize::memory_mb);
    std::vector<ShareSample> samples;
    for (const auto& s : p.sizes) {
      if (s.timing.samples > 0) samples.push_back({cpus_at[s.memory_mb], s.timing.p50_ms});
    }
    // The share capped at one vCPU fits single-threaded work (most handlers'
    // code) exactly; a parallel part gains below one vCPU too, so where such a
    // size was measured it still scales (README.md). Sizes all at or above one
    // vCPU are one capped share: there the uncapped share shows parallel work
    // that kept gaining, but a part that did not gain may be serial work or
    // waiting, which look alike there, so only "scales" is said.
    auto fit = fit_share_response(samples, ShareCap::kOneVcpu);
    const bool above_one_vcpu_only = !fit;
    if (above_one_vcpu_only) fit = fit_share_response(samples, ShareCap::kNone);
    if (fit) {
      const double x_max = 1 / fit->lowest_share;  // at the smallest size
      const double at_smallest = fit->fixed_ms + fit->cpu_ms * x_max;
      const double cpu_fraction = at_smallest > 0 ? fit->cpu_ms * x_max / at_smallest : 0;
      if (!above_one_vcpu_only || cpu_fraction >= kScalesAbove) {
        p.fixed_ms = fit->fixed_ms;
        p.cpu_ms = fit->cpu_ms;
        p.explained = fit->explained;
        p.cpu_fraction = cpu_fraction;
        p.verdict = cpu_fraction >= kScalesAbove ? MemoryScaling::kScales
                    : cpu_fraction <= kFlatBelow ? MemoryScaling::kFlat
                                                 : MemoryScaling::kInBetween;
      }
    }
    out.push_back(std::move(p));
  }
  auto largest = [](const PartScaling& p) {
    double m = 0;
    for (const auto& s : p.sizes) m = std::max(m, s.timing.mean_ms);
    return m;
  };
  std::ranges::sort(out, [&](const PartScaling& a, const PartScaling& b) {
    if (a.top_level != b.top_level) return a.top_level;
    return largest(a) > largest(b);
  });
  return out;
}

std::string limiting_part_sentence(const std::vector<PartScaling>& parts, int memory_mb) {
  const PartScaling* top = nullptr;
  const PartTiming* top_timing = nullptr;
  for (const auto& p : parts) {
    if (!p.top_level) continue;
    const PartTiming* t = p.at(memory_mb);
    if (t != nullptr && (top_timing == nullptr || t->share > top_timing->share)) {
      top = &p;
      top_timing = t;
    }
  }
  if (top == nullptr) return {};
  const int percent = static_cast<int>(std::lround(top_timing->share * 100));
  const std::string what = top->name == kUntracedPart ? std::string("outside any traced subsegment")
                                                      : fmt::format("`{}`", top->name);
  std::string tail;
  switch (top->verdict) {
    case MemoryScaling::kFlat: tail = ", which memory does not speed up (flat: waiting)"; break;
    case MemoryScaling::kScales: tail = ", which gets faster with memory (it scales with CPU)"; break;
    case MemoryScaling::kInBetween: tail = ", which memory speeds up only in part"; break;
    case MemoryScaling::kUnknown: tail = ""; break;
  }
  return fmt::format("At {} MB, {}% of the time is {}{}.", util::with_thousands(memory_mb), percent, what, tail);
}

}  // namespace sweetspot::tuner
