// Where the time goes at each size, from the X-Ray trace of every invoke: the
// subsegments the function's X-Ray SDK sent (a download, a resize, `## s3.get_object`),
// their p50 / p95 per size, and whether memory speeds each one up. A part that
// burns CPU shrinks as 1 / CPU share; one that waits (network, sleep) stays flat.
#pragma once

#include <string>
#include <vector>

#include "engine_api/invocation.h"

namespace sweetspot::tuner {

// The name given to invoke time that no top-level subsegment covers.
inline constexpr const char* kUntracedPart = "(untraced)";

// One named part at one size: summed per invoke when it occurs several times
// in one (three `## s3.get_object` calls are one sample of their total).
struct PartTiming {
  std::string name;
  bool top_level = true;  // a child of the function's segment; nested ones are inside another part
  int samples = 0;        // successful invokes in which it appeared
  double p50_ms = 0;
  double p95_ms = 0;
  double mean_ms = 0;     // over the successful invokes (0 where absent)
  double share = 0;       // mean_ms / mean invoke Duration, 0..1 (top-level parts add up to at most 1)
};

// Reduces one size's invokes. Empty when no invoke carries an SDK subsegment.
// Top-level parts come first, largest mean first; `(untraced)` is the rest of
// each invoke's Duration.
std::vector<PartTiming> time_parts(const std::vector<engine_api::Invocation>& invocations);

enum class MemoryScaling {
  kScales,     // shrinks with the CPU share: CPU-bound
  kFlat,       // does not change with memory: waiting (network, disk, sleep)
  kInBetween,  // some of each
  kUnknown,    // fewer than two CPU shares, or all above one vCPU without gaining: nothing to tell
};
const char* to_string(MemoryScaling scaling);  // "scales", "flat", "in between", "unknown"
// Plain words for the reports: "scales with CPU", "flat (waiting)", ...
const char* describe(MemoryScaling scaling);

struct PartAtSize {
  int memory_mb = 0;
  PartTiming timing;
};

// One part across every size, with the fitted verdict.
// Fit (least squares over the sizes' p50s, both terms kept >= 0):
//   p50(size) = fixed_ms + cpu_ms / cpu_share,  cpu_share = min(vCPUs, 1)
// cpu_fraction is the share of the part's fitted time at the smallest size that
// the 1/cpu_share term accounts for; explained is the fit's R^2.
// Verdict: cpu_fraction >= 0.6 scales, <= 0.25 flat, else in between. With
// every size at or above one vCPU, cpu_share = vCPUs (uncapped), and the
// verdict is scales or unknown (trace_parts.cc says why).
struct PartScaling {
  std::string name;
  bool top_level = true;
  std::vector<PartAtSize> sizes;  // sorted by memory
  double fixed_ms = 0;
  double cpu_ms = 0;  // ms at one full vCPU
  double explained = 0;
  double cpu_fraction = 0;
  MemoryScaling verdict = MemoryScaling::kUnknown;

  const PartTiming* at(int memory_mb) const;
};

inline constexpr double kScalesAbove = 0.6;
inline constexpr double kFlatBelow = 0.25;

struct SizeParts {
  int memory_mb = 0;
  std::vector<PartTiming> parts;
  double cpus = 0;  // vCPUs the size ran with (host-capped sizes: fewer); 0: Lambda's, memory / 1769
};
// Fits every part seen at any size. Sorted: top-level first, then by the
// largest mean time at any size.
std::vector<PartScaling> fit_parts(const std::vector<SizeParts>& sizes);

// The sentence for the recommendation: which part limits the function at
// `memory_mb`, e.g. "At 1,024 MB, 80% of the time is `## s3.get_object`, which
// memory does not speed up (flat: waiting)". Empty without trace parts.
std::string limiting_part_sentence(const std::vector<PartScaling>& parts, int memory_mb);

}  // namespace sweetspot::tuner
