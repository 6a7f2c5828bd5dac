// remove_stale_cgroups: groups whose owning sweetspot process is gone.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "sandbox/cgroup_base.h"
#include "util/file.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// A stale group may have been left frozen: thaw it, or SIGKILL never lands.
void thaw_if_frozen(const fs::path& dir) {
  if (fs::exists(dir / "freezer.state")) (void)util::write_control_file(dir / "freezer.state", "THAWED");
  if (fs::exists(dir / "cgroup.freeze")) (void)util::write_control_file(dir / "cgroup.freeze", "0");
}

// Kills the tasks of, and removes, every group whose owner pid `chosen` picks.
template <typename Predicate>
int remove_groups(const CgroupHost& host, Predicate chosen) {
  // Held throughout: no group of this process can be made between the scan and the
  // removal (an interrupt's sweep is the last thing before exit).
  std::lock_guard layout(detail::layout_mutex());
  std::set<fs::path> parents;
  if (host.version == CgroupVersion::kV2) {
    parents.insert(host.unified / detail::kParentDir);
  } else {
    for (const auto& [controller, mount] : host.v1_mounts) parents.insert(mount / detail::kParentDir);
  }
  std::set<std::string> removed;
  std::vector<fs::path> stale;
  for (const fs::path& parent : parents) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      if (!entry.is_directory(ec)) continue;
      const std::string name = entry.path().filename().string();
      const pid_t owner = detail::owner_of(name);
      if (owner > 0 && chosen(owner)) stale.push_back(entry.path());
    }
  }
  // Kill everything in every hierarchy first, then remove: a v1 task sits in one
  // directory per hierarchy.
  // Thawed in every hierarchy before any killing: a v1 task frozen in the freezer
  // hierarchy would not die while we wait for it in the cpu one.
  for (const fs::path& dir : stale) thaw_if_frozen(dir);
  const auto deadline = util::Clock::now() + detail::kKillTimeout;
  for (const fs::path& dir : stale) {
    if (fs::exists(dir / "cgroup.kill")) (void)util::write_control_file(dir / "cgroup.kill", "1");
    (void)detail::kill_until_empty(dir / "cgroup.procs", deadline);
  }
  for (const fs::path& dir : stale) {
    if (detail::remove_dir(dir)) removed.insert(dir.filename().string());
  }
  for (const fs::path& parent : parents) detail::group_dir_ops().remove(parent.c_str());
  return static_cast<int>(removed.size());
}

}  // namespace

int remove_stale_cgroups(const CgroupHost& host) {
  return remove_groups(host, [](pid_t owner) { return !process_exists(owner); });
}

int remove_own_cgroups(const CgroupHost& host) {
  const pid_t self = ::getpid();
  return remove_groups(host, [self](pid_t owner) { return owner == self; });
}

}  // namespace sweetspot::sandbox
