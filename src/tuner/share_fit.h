// How a time responds to the CPU share: work on the critical path shrinks as
// 1 / share, waiting (network, disk, sleep) stays flat. Trace parts (one
// subsegment across sizes) and the duration model's workload kind (the whole
// invoke across sizes) both read CPU work this way.
#pragma once

#include <optional>
#include <span>

namespace sweetspot::tuner {

struct ShareSample {
  double share = 0;   // vCPUs the measurement had
  double ms = 0;      // the time measured
  double weight = 1;  // least-squares weight (e.g. 1 / ms^2 for relative errors)
};

// What a share above one vCPU (1,769 MB) counts as.
enum class ShareCap {
  kOneVcpu,  // one: a single thread gets no faster there
  kNone,     // itself: only parallel work gains there, so this form tells it
};

// Weighted least squares of
//   ms = fixed_ms + cpu_ms / share   (share capped as asked)
// with both terms kept >= 0: a slope below 0 (slower with more CPU: noise or
// contention, not work) is 0 and fixed_ms the weighted mean; an intercept below
// 0 (all CPU) refits through the origin. Closed form: two unknowns need no
// optimiser.
struct ShareFit {
  double fixed_ms = 0;   // the part that does not shrink with the share
  double cpu_ms = 0;     // CPU work on the critical path, in ms at one full vCPU
  double explained = 0;  // the fit's weighted R^2, 0..1
  // The smallest and largest shares fitted (capped as asked): how far apart
  // the sizes are, so callers read the spread from the samples the fit used.
  double lowest_share = 0;
  double highest_share = 0;
};

// Nothing unless the samples hold at least two distinct shares (capped as asked).
std::optional<ShareFit> fit_share_response(std::span<const ShareSample> samples, ShareCap cap);

}  // namespace sweetspot::tuner
