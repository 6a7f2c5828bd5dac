// A control group that holds one execution environment: its limits (memory,
// CPU quota, visible cores, pids), its accounting (CPU time, memory high-water
// mark, OOM kills) and its freezer. cgroup v2 where the host has the controllers,
// v1 otherwise, picked at run time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <sys/types.h>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sweetspot::sandbox {

using util::Result;

enum class CgroupVersion { kV1, kV2 };

struct CgroupLimits {
  // Hard cap on memory, swap included (no swap allowed). The kernel charges page
  // cache and tmpfs pages too: files written to a private /tmp count against it.
  int64_t memory_bytes = 0;
  double cpus = 0;           // CFS quota in CPUs per period; 0 means no quota
  // 20 ms, not Linux's 100 ms: real Lambda throttles on 20 ms boundaries (pauses of
  // 20/40/60/80 ms at 128 MB, measured by pwrdrvr/lambda-throttling, see FACTS.md).
  // With 100 ms a short invoke at a small size runs unthrottled for its whole
  // first slice and looks far faster than on Lambda. The quota is
  // round(cpus * period), at least 1 ms (the kernel's minimum).
  std::chrono::microseconds cpu_period{20000};
  int visible_cores = 0;     // cpuset: the first N host CPUs; 0 means all
  int max_pids = 1024;       // processes and threads together
};

struct CgroupUsage {
  std::chrono::nanoseconds cpu_time{0};  // CPU consumed by every task, ever
  int64_t memory_peak_bytes = 0;         // high-water mark since creation
  int64_t memory_current_bytes = 0;
  uint64_t oom_kills = 0;                // tasks the kernel's OOM killer ended here
};

// Where the hierarchies are mounted and whether this process may create groups in
// them. Read from /proc/self/mountinfo.
struct CgroupHost {
  CgroupVersion version = CgroupVersion::kV1;
  // v2: the unified mount; v1: one mount per controller ("cpu", "cpuacct",
  // "memory", "pids", "freezer", "cpuset").
  std::filesystem::path unified;
  std::vector<std::pair<std::string, std::filesystem::path>> v1_mounts;
  int host_cpus = 1;        // CPUs this process may run on
  std::vector<int> cpu_ids;  // their numbers, ascending (sched_getaffinity)

  // Finds a usable hierarchy: v2 if it has cpu, memory, pids and cpuset
  // available, else v1 with all six controllers. The error says what is missing
  // and what to do (run as root, or pass --no-limits).
  static Result<CgroupHost> detect();
};

class Cgroup {
 public:
  // Creates <root>/sweetspot/<pid>-<name> in every hierarchy needed (v1: one per
  // controller mount; v2: one directory) and applies `limits`; <pid> is this
  // process's, so remove_stale_cgroups() can tell abandoned groups. `name` is a
  // single path component, e.g. "env-3". On failure nothing is left behind.
  // The group registers a util::CleanupHook: an interrupt kills and removes it.
  // v1 only: while any group lives, an empty, frozen "<pid>-frozen-sentinel" group
  // sits beside it in the freezer hierarchy (it makes freeze/thaw ~15x cheaper,
  // see cgroup_v1.cc); it goes with the last group.
  static Result<std::unique_ptr<Cgroup>> create(const CgroupHost& host, std::string_view name,
                                                const CgroupLimits& limits);
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;
  virtual ~Cgroup() = default;  // implementations kill every task and remove the group

  virtual CgroupVersion version() const = 0;
  // The group's directories (v1: one per hierarchy), for diagnostics and tests.
  virtual std::vector<std::filesystem::path> directories() const = 0;
  // The files a new, still single-threaded process writes "0" to, before exec,
  // to join the group with everything it will start. v1: each hierarchy's
  // `tasks` (see cgroup_v1.cc: a thread moving itself skips the kernel's global
  // lock and its RCU grace period); v2: `cgroup.procs`.
  virtual std::vector<std::filesystem::path> join_files() const = 0;

  // Stops every task (no CPU at all) until thaw(); returns once they are stopped
  // (bounded: an error after 2 s, with the group thawed again).
  virtual Result<void> freeze() = 0;
  // One write, no waiting: it is on the warm-invoke path.
  virtual Result<void> thaw() = 0;
  // A few preads on files kept open: cheap enough to call around every invoke.
  virtual Result<CgroupUsage> usage() const = 0;
  // Changes the CFS quota of a live group (cpus <= 0: no quota), e.g. between
  // an environment's init and its invokes, and reads it back: an error unless
  // the kernel now enforces exactly that quota and period.
  virtual Result<void> set_cpu_quota(double cpus, std::chrono::microseconds period) = 0;
  // SIGKILLs every task (forks included) and waits until the group is empty
  // (error after 5 s). The group is left thawed and usable.
  virtual Result<void> kill_all() = 0;
  virtual bool empty() const = 0;
  // Every process in the group, read whole however many there are.
  virtual Result<std::vector<pid_t>> pids() const = 0;

 protected:
  Cgroup() = default;
};

// Removes groups left by sweetspot processes that no longer exist (a run killed
// with SIGKILL cannot clean up after itself), killing their tasks first. Returns
// how many groups it removed.
int remove_stale_cgroups(const CgroupHost& host);

// Removes this process's own groups, killing their tasks first. Cgroup::create
// registers it as an interrupt hook before the first group's, so it runs after
// every live group's hook and catches groups made but not yet hooked (e.g. an
// environment being reset at the moment of Ctrl-C or SIGTERM).
int remove_own_cgroups(const CgroupHost& host);

}  // namespace sweetspot::sandbox
