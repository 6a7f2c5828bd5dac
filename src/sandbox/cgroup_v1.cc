// cgroup v1: one directory per controller mount (cpu, cpuacct, memory, pids,
// freezer, cpuset; a mount may carry several controllers).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "sandbox/cgroup_base.h"
#include "util/file.h"
#include "util/strings.h"

namespace sweetspot::sandbox::detail {
namespace {

namespace fs = std::filesystem;
using Mode = ControlFile::Mode;

struct V1Files {
  ControlFile procs;          // freezer's cgroup.procs: who is in the group
  ControlFile freezer_state;  // FROZEN / FREEZING / THAWED
  ControlFile cpu_usage;      // cpuacct.usage, ns
  ControlFile memory_peak;    // memory.max_usage_in_bytes
  ControlFile memory_current; // memory.usage_in_bytes
  ControlFile oom_control;    // "oom_kill N"
};

// Linux counts frozen v1 cgroups in a static key (freezer_active): the first freeze
// and the last thaw on the whole host patch kernel text, about 70 us each here. An
// empty group that stays FROZEN while any of our groups lives keeps the key on, so
// freeze and thaw (on every warm invoke) take about 4 us instead (measured on this
// host: thaw p50 78 us -> 5 us). Removed with the last group; only an optimisation.
class FrozenSentinel {
 public:
  // Null when it cannot be made (nothing breaks then).
  static std::shared_ptr<FrozenSentinel> acquire(const fs::path& freezer_parent) {
    static std::mutex mutex;
    static std::weak_ptr<FrozenSentinel> current;
    std::lock_guard lock(mutex);
    if (auto existing = current.lock()) return existing;
    const fs::path dir = freezer_parent / (std::to_string(::getpid()) + "-frozen-sentinel");
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return nullptr;
    auto sentinel = std::shared_ptr<FrozenSentinel>(new FrozenSentinel(dir));
    if (!util::write_control_file(dir / "freezer.state", "FROZEN")) return nullptr;
    current = sentinel;
    return sentinel;
  }
  ~FrozenSentinel() {
    cleanup_.run_now();
    std::lock_guard lock(layout_mutex());
    ::rmdir(dir_.parent_path().c_str());  // fails while other groups live there
  }

 private:
  // The interrupt hook takes no lock (the watcher holds the hooks' lock meanwhile);
  // it runs after the groups' hooks, so it removes the emptied parent too.
  explicit FrozenSentinel(fs::path dir)
      : dir_(std::move(dir)), cleanup_([d = dir_] {
          ::rmdir(d.c_str());
          ::rmdir(d.parent_path().c_str());
        }) {}
  fs::path dir_;
  util::CleanupHook cleanup_;
};

// quota = cpus x period, at least the kernel's 1 ms; cpus <= 0 lifts the quota.
int64_t quota_us(double cpus, std::chrono::microseconds cpu_period) {
  return cpus > 0 ? std::max<int64_t>(1000, std::llround(cpus * static_cast<double>(cpu_period.count()))) : -1;
}

Result<void> write_cpu_quota(const fs::path& cpu, double cpus, std::chrono::microseconds cpu_period) {
  const int64_t period = cpu_period.count();
  const int64_t quota = quota_us(cpus, cpu_period);
  // Lower the quota before a shorter period, so the pair is valid at each step.
  if (auto r = util::write_control_file(cpu / "cpu.cfs_quota_us", std::to_string(quota)); !r) return r;
  return util::write_control_file(cpu / "cpu.cfs_period_us", std::to_string(period));
}

class CgroupV1 final : public CgroupBase {
 public:
  CgroupV1(std::vector<fs::path> dirs, std::vector<fs::path> parents, V1Files files,
           std::shared_ptr<FrozenSentinel> sentinel)
      : CgroupBase(std::move(dirs), std::move(parents), std::move(files.procs)),
        files_(std::move(files)),
        sentinel_(std::move(sentinel)) {
    arm_cleanup();
  }
  ~CgroupV1() override { teardown(); }

  CgroupVersion version() const override { return CgroupVersion::kV1; }

  // `tasks`, not `cgroup.procs`: moving a whole process takes the kernel's global
  // cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period
  // unless another move happened just before (several ms of every isolated cold
  // start, see bench/README.md); a thread writing "0" to `tasks` moves only
  // itself, and the kernel skips that lock for it (cgroup_procs_write_start; an
  // older kernel just takes the lock, still correct). The joining child is
  // single-threaded (just forked), so the thread is the whole process.
  std::vector<fs::path> join_files() const override {
    std::vector<fs::path> files;
    for (const fs::path& dir : directories()) files.push_back(dir / "tasks");
    return files;
  }

  Result<void> freeze() override {
    if (auto written = files_.freezer_state.write("FROZEN"); !written) return written;
    // The kernel reports FREEZING until every task has stopped.
    return await_frozen([this]() -> Result<bool> {
      char state[32];
      auto n = files_.freezer_state.read(state, sizeof state);
      if (!n) return std::unexpected(n.error());
      return std::string_view(state, *n).starts_with("FROZEN");
    });
  }

  Result<void> thaw() override { return files_.freezer_state.write("THAWED"); }

  Result<CgroupUsage> usage() const override {
    CgroupUsage usage;
    auto cpu = files_.cpu_usage.read_int();
    if (!cpu) return std::unexpected(cpu.error());
    usage.cpu_time = std::chrono::nanoseconds(*cpu);
    auto peak = files_.memory_peak.read_int();
    if (!peak) return std::unexpected(peak.error());
    usage.memory_peak_bytes = *peak;
    auto current = files_.memory_current.read_int();
    if (!current) return std::unexpected(current.error());
    usage.memory_current_bytes = *current;
    // Kernels before 4.13 have no oom_kill line: count 0 rather than fail.
    auto ooms = files_.oom_control.read_keyed("oom_kill");
    usage.oom_kills = ooms ? static_cast<uint64_t>(*ooms) : 0;
    return usage;
  }

  Result<void> kill_all() override { return kill_by_signal(); }

  Result<void> set_cpu_quota(double cpus, std::chrono::microseconds period) override {
    for (const auto& dir : directories()) {
      if (!fs::exists(dir / "cpu.cfs_quota_us")) continue;
      if (auto written = write_cpu_quota(dir, cpus, period); !written) return written;
      // Read back: a quota the kernel did not take would leave INIT's burst CPU
      // in every invoke without a word.
      auto quota = read_control_file(dir / "cpu.cfs_quota_us");
      auto set_period = read_control_file(dir / "cpu.cfs_period_us");
      if (!quota) return std::unexpected(quota.error());
      if (!set_period) return std::unexpected(set_period.error());
      const std::string want_quota = std::to_string(quota_us(cpus, period));
      if (util::trim(*quota) != want_quota || util::trim(*set_period) != std::to_string(period.count())) {
        return util::fail("the CPU quota of " + dir.string() + " is " + std::string(util::trim(*quota)) + "/" +
                          std::string(util::trim(*set_period)) + " us after writing " + want_quota + "/" +
                          std::to_string(period.count()));
      }
      return {};
    }
    return util::fail("no cpu controller in this cgroup");
  }

 private:
  V1Files files_;
  std::shared_ptr<FrozenSentinel> sentinel_;  // released after teardown()
};

// A new cpuset cgroup starts with no CPUs and no memory nodes, and no task can
// join a group under it until they are set: the parent takes the root's, where
// whoever made it has not yet given them.
Result<void> fill_cpuset(const fs::path& mount, const fs::path& parent) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    auto current = read_control_file(parent / file);
    if (!current) return std::unexpected(current.error());
    if (!util::trim(*current).empty()) continue;
    auto from_root = read_control_file(mount / file);
    if (!from_root) return std::unexpected(from_root.error());
    if (auto written = util::write_control_file(parent / file, util::trim(*from_root)); !written) return written;
  }
  return {};
}

// Makes sure <mount>/sweetspot exists and, for cpuset, has CPUs and memory nodes.
Result<void> prepare_parent(const fs::path& mount, const fs::path& parent, bool is_cpuset) {
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    return util::fail_errno("cannot create cgroup " + parent.string());
  }
  return is_cpuset ? fill_cpuset(mount, parent) : Result<void>{};
}

Result<void> apply_limits(const std::map<std::string, fs::path>& dir_of, const CgroupHost& host,
                          const CgroupLimits& limits) {
  const fs::path& memory = dir_of.at("memory");
  if (limits.memory_bytes > 0) {
    const std::string bytes = std::to_string(limits.memory_bytes);
    if (auto r = util::write_control_file(memory / "memory.limit_in_bytes", bytes); !r) return r;
    // memory+swap capped at the same value: no swap (absent when the kernel has no swap accounting).
    if (fs::exists(memory / "memory.memsw.limit_in_bytes")) {
      if (auto r = util::write_control_file(memory / "memory.memsw.limit_in_bytes", bytes); !r) return r;
    }
  }
  if (auto r = write_cpu_quota(dir_of.at("cpu"), limits.cpus, limits.cpu_period); !r) return r;
  const fs::path& cpuset = dir_of.at("cpuset");
  if (auto r = util::write_control_file(cpuset / "cpuset.cpus", cpu_list(host.cpu_ids, limits.visible_cores)); !r) {
    return r;
  }
  auto mems = read_control_file(cpuset.parent_path() / "cpuset.mems");
  if (!mems) return std::unexpected(mems.error());
  if (auto r = util::write_control_file(cpuset / "cpuset.mems", util::trim(*mems)); !r) return r;
  const std::string pids = limits.max_pids > 0 ? std::to_string(limits.max_pids) : "max";
  return util::write_control_file(dir_of.at("pids") / "pids.max", pids);
}

Result<V1Files> open_files(const std::map<std::string, fs::path>& dir_of) {
  V1Files files;
  const std::pair<ControlFile*, fs::path> wanted[] = {
      {&files.procs, dir_of.at("freezer") / "cgroup.procs"},
      {&files.cpu_usage, dir_of.at("cpuacct") / "cpuacct.usage"},
      {&files.memory_peak, dir_of.at("memory") / "memory.max_usage_in_bytes"},
      {&files.memory_current, dir_of.at("memory") / "memory.usage_in_bytes"},
      {&files.oom_control, dir_of.at("memory") / "memory.oom_control"},
  };
  for (const auto& [file, path] : wanted) {
    auto opened = ControlFile::open(path, Mode::kRead);
    if (!opened) return std::unexpected(opened.error());
    *file = std::move(*opened);
  }
  auto state = ControlFile::open(dir_of.at("freezer") / "freezer.state", Mode::kReadWrite);
  if (!state) return std::unexpected(state.error());
  files.freezer_state = std::move(*state);
  return files;
}

}  // namespace

Result<std::unique_ptr<Cgroup>> create_v1(const CgroupHost& host, const std::string& dir_name,
                                          const CgroupLimits& limits) {
  std::vector<fs::path> dirs;
  std::vector<fs::path> parents;
  std::map<std::string, fs::path> dir_of;  // controller -> its directory of this group
  auto fail_cleanly = [&](util::Error error) -> Result<std::unique_ptr<Cgroup>> {
    remove_group_dirs(dirs, parents);
    return std::unexpected(std::move(error));
  };
  {
    std::lock_guard lock(layout_mutex());
    for (const auto& [controller, mount] : host.v1_mounts) {
      const fs::path parent = mount / kParentDir;
      const fs::path dir = parent / dir_name;
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) {
        const bool is_cpuset = std::any_of(host.v1_mounts.begin(), host.v1_mounts.end(), [&](const auto& m) {
          return m.first == "cpuset" && m.second == mount;
        });
        // Another sweetspot process may remove an empty parent between our mkdirs,
        // or while we set up its cpuset (its files then vanish or read ENODEV):
        // both are tried again; a failure that persists is reported.
        int made = -1;
        std::optional<util::Error> unready;  // the parent's set-up, when that failed
        for (int attempt = 0; attempt < 5 && made != 0; ++attempt) {
          unready.reset();
          if (auto ready = prepare_parent(mount, parent, is_cpuset); !ready) {
            unready = ready.error();
            made = ENOENT;
            continue;
          }
          made = ::mkdir(dir.c_str(), 0755) == 0 ? 0 : errno;
          if (made != ENOENT) break;
        }
        parents.push_back(parent);
        if (unready) return fail_cleanly(*unready);
        if (made != 0) {
          errno = made;
          return fail_cleanly(util::errno_error("cannot create cgroup " + dir.string()));
        }
        dirs.push_back(dir);
        // The other process may have removed the parent we prepared and made a
        // new one, not yet given its CPUs, between that and our mkdir: our
        // group's cpuset.cpus would then be refused (EACCES: not within the
        // parent's). With our group in it the parent stays; fill it now.
        if (is_cpuset) {
          if (auto filled = fill_cpuset(mount, parent); !filled) return fail_cleanly(filled.error());
        }
      }
      dir_of[controller] = dir;
    }
  }
  for (const char* needed : {"cpu", "cpuacct", "memory", "pids", "freezer", "cpuset"}) {
    if (!dir_of.contains(needed)) {
      return fail_cleanly(util::Error{std::string("cgroup v1 controller '") + needed + "' is not mounted"});
    }
  }
  if (auto applied = apply_limits(dir_of, host, limits); !applied) return fail_cleanly(applied.error());
  auto files = open_files(dir_of);
  if (!files) return fail_cleanly(files.error());
  auto sentinel = FrozenSentinel::acquire(dir_of.at("freezer").parent_path());
  return std::make_unique<CgroupV1>(std::move(dirs), std::move(parents), std::move(*files), std::move(sentinel));
}

}  // namespace sweetspot::sandbox::detail
