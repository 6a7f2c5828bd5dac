// Max Memory Used and CPU time for an environment's invokes. The kernel reads are
// sandbox::UsageProbe's; this keeps what Lambda's figures need across reads: the
// largest resident set seen, and a warm environment's reading from the end of its
// last invoke (it has been frozen since, so nothing changed).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "sandbox/cgroup.h"
#include "sandbox/usage_probe.h"

namespace sweetspot::engine {

struct UsageSnapshot {
  double cpu_ms = 0;
  int64_t peak_bytes = 0;  // the group's high-water mark
  uint64_t oom_kills = 0;
};

class UsageMeter {
 public:
  explicit UsageMeter(const sandbox::Cgroup* group) : group_(group) {}

  // A (new) runtime process leads the environment: its first sample takes each
  // process's own high-water mark, which holds init's peak.
  void runtime_started(pid_t leader);
  UsageSnapshot read() const;

  // Max Memory Used, in bytes. The cgroup's high-water mark misses pages another
  // cgroup touched first (a runtime's shared libraries already in the page
  // cache), which Lambda's VM does count: so also the sum of the processes'
  // resident sets, sampled at each call, and the larger of the two, ever.
  int64_t max_memory_used_bytes(const UsageSnapshot& now);

  // The reading at the end of an invoke that left the environment warm...
  void keep(const UsageSnapshot& at_end) { kept_ = at_end; }
  // ...is the next invoke's starting point (then forgotten); else a fresh read.
  UsageSnapshot invoke_start();

 private:
  const sandbox::Cgroup* group_;
  pid_t leader_ = -1;
  int64_t peak_rss_bytes_ = 0;  // largest sum of the processes' resident sets seen
  bool sampled_since_start_ = false;
  std::optional<UsageSnapshot> kept_;
};

}  // namespace sweetspot::engine
