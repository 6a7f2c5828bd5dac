// cgroup v2: one directory in the unified hierarchy.
#include <sys/stat.h>

#include <cerrno>
#include <cmath>

#include "sandbox/cgroup_base.h"
#include "util/file.h"
#include "util/strings.h"

namespace sweetspot::sandbox::detail {
namespace {

namespace fs = std::filesystem;
using Mode = ControlFile::Mode;

constexpr std::string_view kControllers[] = {"cpu", "memory", "pids", "cpuset"};

struct V2Files {
  ControlFile procs;
  ControlFile freeze;          // cgroup.freeze: 1 / 0
  ControlFile events;          // cgroup.events: "populated N", "frozen N"
  ControlFile kill;            // cgroup.kill (5.14+), may be closed
  ControlFile cpu_stat;        // usage_usec
  ControlFile memory_peak;     // memory.peak (5.19+), may be closed
  ControlFile memory_current;
  ControlFile memory_events;   // oom_kill
};

// "quota period": quota = cpus x period, at least the kernel's 1 ms; "max" without one.
std::string cpu_max(double cpus, std::chrono::microseconds cpu_period) {
  const int64_t period = cpu_period.count();
  const std::string quota = cpus > 0 ? std::to_string(std::max<int64_t>(1000, std::llround(cpus * period)))
                                     : std::string("max");
  return quota + " " + std::to_string(period);
}

Result<void> write_cpu_max(const fs::path& dir, double cpus, std::chrono::microseconds cpu_period) {
  return util::write_control_file(dir / "cpu.max", cpu_max(cpus, cpu_period));
}

class CgroupV2 final : public CgroupBase {
 public:
  CgroupV2(fs::path dir, fs::path parent, V2Files files)
      : CgroupBase({std::move(dir)}, {std::move(parent)}, std::move(files.procs)), files_(std::move(files)) {
    arm_cleanup();
  }
  ~CgroupV2() override { teardown(); }

  CgroupVersion version() const override { return CgroupVersion::kV2; }
  std::vector<fs::path> join_files() const override { return {directories().front() / "cgroup.procs"}; }

  Result<void> freeze() override {
    if (auto written = files_.freeze.write("1"); !written) return written;
    return await_frozen([this]() -> Result<bool> {
      auto frozen = files_.events.read_keyed("frozen");
      if (!frozen) return std::unexpected(frozen.error());
      return *frozen == 1;
    });
  }

  Result<void> thaw() override { return files_.freeze.write("0"); }

  Result<void> set_cpu_quota(double cpus, std::chrono::microseconds period) override {
    const fs::path dir = directories().front();  // a copy: directories() returns by value
    if (auto written = write_cpu_max(dir, cpus, period); !written) return written;
    // Read back: a quota the kernel did not take would leave INIT's burst CPU in
    // every invoke without a word.
    auto now = read_control_file(dir / "cpu.max");
    if (!now) return std::unexpected(now.error());
    if (util::trim(*now) != cpu_max(cpus, period)) {
      return util::fail("cpu.max of " + dir.string() + " is '" + std::string(util::trim(*now)) + "' after writing '" +
                        cpu_max(cpus, period) + "'");
    }
    return {};
  }

  Result<CgroupUsage> usage() const override {
    CgroupUsage usage;
    auto cpu = files_.cpu_stat.read_keyed("usage_usec");
    if (!cpu) return std::unexpected(cpu.error());
    usage.cpu_time = std::chrono::microseconds(*cpu);
    auto current = files_.memory_current.read_int();
    if (!current) return std::unexpected(current.error());
    usage.memory_current_bytes = *current;
    if (files_.memory_peak.is_open()) {
      auto peak = files_.memory_peak.read_int();
      if (!peak) return std::unexpected(peak.error());
      usage.memory_peak_bytes = *peak;
    } else {
      // Before 5.19 there is no high-water mark: the current value is the best we have.
      usage.memory_peak_bytes = *current;
    }
    auto ooms = files_.memory_events.read_keyed("oom_kill");
    usage.oom_kills = ooms ? static_cast<uint64_t>(*ooms) : 0;
    return usage;
  }

  Result<void> kill_all() override {
    if (!files_.kill.is_open()) return kill_by_signal();
    // cgroup.kill SIGKILLs every task, forks included, atomically.
    if (auto written = files_.kill.write("1"); !written) return written;
    return kill_until_empty(procs_path(), util::Clock::now() + kKillTimeout);
  }

 private:
  V2Files files_;
};

// Enables our controllers for the children of `dir` (a no-op when already on).
Result<void> enable_controllers(const fs::path& dir) {
  for (std::string_view controller : kControllers) {
    auto written = util::write_control_file(dir / "cgroup.subtree_control", "+" + std::string(controller));
    if (!written) return written;
  }
  return {};
}

Result<void> apply_limits(const fs::path& dir, const CgroupHost& host, const CgroupLimits& limits) {
  if (limits.memory_bytes > 0) {
    if (auto r = util::write_control_file(dir / "memory.max", std::to_string(limits.memory_bytes)); !r) return r;
  }
  // No swap at all (absent when the kernel has no swap accounting).
  if (fs::exists(dir / "memory.swap.max")) {
    if (auto r = util::write_control_file(dir / "memory.swap.max", "0"); !r) return r;
  }
  if (auto r = write_cpu_max(dir, limits.cpus, limits.cpu_period); !r) return r;
  if (auto r = util::write_control_file(dir / "cpuset.cpus", cpu_list(host.cpu_ids, limits.visible_cores)); !r) {
    return r;
  }
  const std::string pids = limits.max_pids > 0 ? std::to_string(limits.max_pids) : "max";
  return util::write_control_file(dir / "pids.max", pids);
}

Result<V2Files> open_files(const fs::path& dir) {
  V2Files files;
  const std::tuple<ControlFile*, const char*, Mode, bool> wanted[] = {
      {&files.procs, "cgroup.procs", Mode::kRead, true},
      {&files.freeze, "cgroup.freeze", Mode::kWrite, true},
      {&files.events, "cgroup.events", Mode::kRead, true},
      {&files.kill, "cgroup.kill", Mode::kWrite, false},
      {&files.cpu_stat, "cpu.stat", Mode::kRead, true},
      {&files.memory_peak, "memory.peak", Mode::kRead, false},
      {&files.memory_current, "memory.current", Mode::kRead, true},
      {&files.memory_events, "memory.events", Mode::kRead, true},
  };
  for (const auto& [file, name, mode, required] : wanted) {
    auto opened = required ? ControlFile::open(dir / name, mode) : ControlFile::open_if_present(dir / name, mode);
    if (!opened) return std::unexpected(opened.error());
    *file = std::move(*opened);
  }
  return files;
}

}  // namespace

Result<std::unique_ptr<Cgroup>> create_v2(const CgroupHost& host, const std::string& dir_name,
                                          const CgroupLimits& limits) {
  const fs::path parent = host.unified / kParentDir;
  const fs::path dir = parent / dir_name;
  std::vector<fs::path> dirs;
  auto fail_cleanly = [&](util::Error error) -> Result<std::unique_ptr<Cgroup>> {
    remove_group_dirs(dirs, {parent});
    return std::unexpected(std::move(error));
  };
  {
    std::lock_guard lock(layout_mutex());
    int made = -1;
    // Another sweetspot process may remove an empty parent between our mkdirs.
    for (int attempt = 0; attempt < 5 && made != 0; ++attempt) {
      if (auto r = enable_controllers(host.unified); !r) return fail_cleanly(r.error());
      if (group_dir_ops().make(parent.c_str()) != 0 && errno != EEXIST) {
        return fail_cleanly(util::errno_error("cannot create cgroup " + parent.string()));
      }
      if (auto r = enable_controllers(parent); !r) {
        if (!fs::exists(parent)) continue;
        return fail_cleanly(r.error());
      }
      made = group_dir_ops().make(dir.c_str()) == 0 ? 0 : errno;
      if (made != ENOENT) break;
    }
    if (made != 0) {
      errno = made;
      return fail_cleanly(util::errno_error("cannot create cgroup " + dir.string()));
    }
    dirs.push_back(dir);
    // The other process may have removed the parent we prepared and made a new
    // one, its controllers not yet enabled, between that and our mkdir: our
    // group would lack their files. With our group in it the parent stays;
    // enable them now (a no-op when they are on).
    if (auto r = enable_controllers(parent); !r) return fail_cleanly(r.error());
  }
  if (auto applied = apply_limits(dir, host, limits); !applied) return fail_cleanly(applied.error());
  auto files = open_files(dir);
  if (!files) return fail_cleanly(files.error());
  return std::make_unique<CgroupV2>(dir, parent, std::move(*files));
}

}  // namespace sweetspot::sandbox::detail
