// CgroupHost::detect: which cgroup hierarchy this process can use.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "sandbox/cgroup.h"
#include "sandbox/control_file.h"
#include "sandbox/mountinfo.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kV2Controllers = {"cpu", "memory", "pids", "cpuset"};
constexpr std::array<std::string_view, 6> kV1Controllers = {"cpu", "cpuacct", "memory", "pids", "freezer", "cpuset"};
constexpr std::string_view kWhatToDo =
    "run as root or with cgroup delegation, or pass --no-limits to run without limits (results then marked "
    "unenforced)";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Groups go in <mount>/sweetspot: that directory, or the mount when it does not
// exist yet, must be writable.
bool writable(const fs::path& mount) {
  const fs::path ours = mount / "sweetspot";
  std::error_code ec;
  return ::access((fs::exists(ours, ec) ? ours : mount).c_str(), W_OK) == 0;
}

Result<std::vector<int>> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return util::fail_errno("cannot read this process's CPU affinity");
  std::vector<int> ids;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) ids.push_back(cpu);
  }
  if (ids.empty()) return util::fail("this process may run on no CPU at all (empty affinity)");
  return ids;
}

Result<CgroupHost> detect_host();

}  // namespace

Result<CgroupHost> CgroupHost::detect() {
  auto host = detect_host();
  if (!host) return std::unexpected(util::host_error(host.error()));
  return host;
}

namespace {
Result<CgroupHost> detect_host() {
  auto mountinfo = read_control_file("/proc/self/mountinfo");
  if (!mountinfo) return std::unexpected(mountinfo.error());
  auto cpus = allowed_cpus();
  if (!cpus) return std::unexpected(cpus.error());

  CgroupHost host;
  host.cpu_ids = std::move(*cpus);
  host.host_cpus = static_cast<int>(host.cpu_ids.size());
  const std::vector<CgroupMount> mounts = parse_cgroup_mounts(*mountinfo);

  // v2: the first cgroup2 mount, usable when it offers every controller we need.
  std::string v2_problem;
  for (const CgroupMount& mount : mounts) {
    if (!mount.v2) continue;
    auto available = read_control_file(mount.mount_point / "cgroup.controllers");
    std::vector<std::string> have;
    if (available) {
      for (std::string& c : util::split(util::trim(*available), ' ')) {
        if (!c.empty()) have.push_back(std::move(c));
      }
    }
    std::vector<std::string> missing;
    for (std::string_view c : kV2Controllers) {
      if (std::find(have.begin(), have.end(), c) == have.end()) missing.emplace_back(c);
    }
    if (!missing.empty()) {
      v2_problem = "cgroup v2 at " + mount.mount_point.string() + " lacks the controllers " + join(missing);
    } else if (!writable(mount.mount_point)) {
      v2_problem = "no permission to create cgroups in " + mount.mount_point.string();
    } else {
      host.version = CgroupVersion::kV2;
      host.unified = mount.mount_point;
      return host;
    }
    break;
  }
  if (v2_problem.empty()) v2_problem = "no cgroup v2 hierarchy is mounted";

  // v1: one mount per controller (a mount may carry several, e.g. cpu,cpuacct).
  std::vector<std::string> missing;
  std::vector<std::string> unwritable;
  for (std::string_view controller : kV1Controllers) {
    auto it = std::find_if(mounts.begin(), mounts.end(), [&](const CgroupMount& m) {
      return !m.v2 && std::find(m.controllers.begin(), m.controllers.end(), controller) != m.controllers.end();
    });
    if (it == mounts.end()) {
      missing.emplace_back(controller);
      continue;
    }
    if (!writable(it->mount_point)) unwritable.push_back(it->mount_point.string());
    host.v1_mounts.emplace_back(std::string(controller), it->mount_point);
  }
  if (missing.size() == kV1Controllers.size()) {
    return util::fail("no usable cgroup hierarchy: " + v2_problem + ", and no cgroup v1 controllers are mounted; " +
                      std::string(kWhatToDo));
  }
  if (!missing.empty()) {
    return util::fail("no usable cgroup hierarchy: " + v2_problem + ", and cgroup v1 lacks the controllers " +
                      join(missing) + "; " + std::string(kWhatToDo));
  }
  if (!unwritable.empty()) {
    return util::fail("no permission to create cgroups in " + join(unwritable) + " (cgroup v1); " +
                      std::string(kWhatToDo));
  }
  host.version = CgroupVersion::kV1;
  return host;
}
}  // namespace

}  // namespace sweetspot::sandbox
