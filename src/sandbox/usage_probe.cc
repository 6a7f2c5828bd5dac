#include "sandbox/usage_probe.h"

#include "sandbox/procfs.h"

namespace sweetspot::sandbox {

Usage UsageProbe::read() const {
  Usage usage;
  if (group_ != nullptr) {
    if (auto counted = group_->usage()) {
      usage.cpu_time = counted->cpu_time;
      usage.memory_peak_bytes = counted->memory_peak_bytes;
      usage.oom_kills = counted->oom_kills;
    }
  } else if (leader_ > 0) {
    usage.cpu_time = process_cpu_time(leader_);
    usage.memory_peak_bytes = peak_resident_bytes(leader_);
  }
  return usage;
}

int64_t UsageProbe::resident_bytes(ResidentSet which) const {
  if (group_ == nullptr) return leader_ > 0 ? peak_resident_bytes(leader_) : 0;
  int64_t sum = 0;
  if (auto pids = group_->pids()) {
    for (pid_t pid : *pids) sum += which == ResidentSet::kPeak ? peak_resident_bytes(pid) : sandbox::resident_bytes(pid);
  }
  return sum;
}

}  // namespace sweetspot::sandbox
