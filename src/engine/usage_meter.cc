#include "engine/usage_meter.h"

#include <algorithm>
#include <chrono>

namespace sweetspot::engine {

void UsageMeter::runtime_started(pid_t leader) {
  leader_ = leader;
  sampled_since_start_ = false;
}

UsageSnapshot UsageMeter::read() const {
  const sandbox::Usage usage = sandbox::UsageProbe(group_, leader_).read();
  return {.cpu_ms = std::chrono::duration<double, std::milli>(usage.cpu_time).count(),
          .peak_bytes = usage.memory_peak_bytes,
          .oom_kills = usage.oom_kills};
}

int64_t UsageMeter::max_memory_used_bytes(const UsageSnapshot& now) {
  // After a start, each process's own high-water mark (VmHWM); on warm invokes
  // the cheaper resident set. (Anonymous memory, the part that peaks inside an
  // invoke, is charged to the cgroup and so in its mark.)
  const auto which = sampled_since_start_ ? sandbox::ResidentSet::kNow : sandbox::ResidentSet::kPeak;
  sampled_since_start_ = true;
  peak_rss_bytes_ = std::max(peak_rss_bytes_, sandbox::UsageProbe(group_, leader_).resident_bytes(which));
  return std::max(now.peak_bytes, peak_rss_bytes_);
}

UsageSnapshot UsageMeter::invoke_start() {
  const UsageSnapshot start = kept_ ? *kept_ : read();
  kept_.reset();
  return start;
}

}  // namespace sweetspot::engine
