// What an execution environment's processes used, read in one place: the
// cgroup's counters and its members' /proc files when there is a group, the
// leader's /proc alone when there is none (--no-limits: nothing else counts them).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "sandbox/cgroup.h"

namespace sweetspot::sandbox {

struct Usage {
  std::chrono::nanoseconds cpu_time{0};  // ever, by every process counted
  int64_t memory_peak_bytes = 0;         // the group's high-water mark (the leader's VmHWM without a group)
  uint64_t oom_kills = 0;                // always 0 without a group
};

enum class ResidentSet {
  kNow,   // statm: cheap
  kPeak,  // each process's own high-water mark (VmHWM)
};

class UsageProbe {
 public:
  // `group` may be null; it and the leader must outlive the probe's reads.
  UsageProbe(const Cgroup* group, pid_t leader) : group_(group), leader_(leader) {}

  // Zeros for what cannot be read (a process already gone).
  Usage read() const;
  // The sum of the resident sets of the group's processes; without a group, the
  // leader's peak whatever `which` asks.
  int64_t resident_bytes(ResidentSet which) const;

 private:
  const Cgroup* group_;
  pid_t leader_;
};

}  // namespace sweetspot::sandbox
