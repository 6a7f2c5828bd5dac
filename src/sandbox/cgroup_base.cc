#include "sandbox/cgroup_base.h"

#include <sched.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <thread>

#include "sandbox/procfs.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace detail {

namespace fs = std::filesystem;

Result<std::string> group_dir_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\n') != std::string_view::npos) {
    return util::fail("invalid cgroup name '" + std::string(name) + "': it must be one path component");
  }
  return std::to_string(::getpid()) + "-" + std::string(name);
}

pid_t owner_of(std::string_view dir_name) {
  const size_t dash = dir_name.find('-');
  if (dash == 0 || dash == std::string_view::npos) return -1;
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(dir_name.data(), dir_name.data() + dash, pid);
  if (ec != std::errc() || end != dir_name.data() + dash || pid <= 0) return -1;
  return pid;
}

std::string cpu_list(const std::vector<int>& ids, int count) {
  const size_t n = count <= 0 ? ids.size() : std::min(ids.size(), static_cast<size_t>(count));
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

GroupDirOps& group_dir_ops() {
  static GroupDirOps ops{[](const char* path) { return ::mkdir(path, 0755); }, ::rmdir};
  return ops;
}

std::recursive_mutex& layout_mutex() {
  static std::recursive_mutex m;
  return m;
}

Result<std::vector<pid_t>> read_procs(const fs::path& procs_file) {
  auto text = read_kernel_file(procs_file);
  if (!text) {
    if (!fs::exists(procs_file)) return std::vector<pid_t>{};
    return std::unexpected(text.error());
  }
  return parse_pids(*text);
}

void poll_pause(int attempt) {
  if (attempt < 20) {
    sched_yield();
  } else {
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(1000, 50 * (attempt - 19))));
  }
}

Result<void> kill_until_empty(const fs::path& procs_file, util::Clock::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    auto pids = read_procs(procs_file);
    if (!pids) return std::unexpected(pids.error());
    if (pids->empty()) return {};
    // Tasks already dying are listed until they exit; a repeated SIGKILL is harmless.
    for (pid_t pid : *pids) ::kill(pid, SIGKILL);
    if (util::Clock::now() > deadline) {
      return util::fail(std::to_string(pids->size()) + " processes in " + procs_file.parent_path().string() +
                        " survived SIGKILL for " + std::to_string(kKillTimeout.count()) + " s");
    }
    poll_pause(attempt);
  }
}

Result<void> remove_dir(const fs::path& dir) {
  const auto deadline = util::Clock::now() + kRemoveTimeout;
  for (int attempt = 0;; ++attempt) {
    if (group_dir_ops().remove(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || util::Clock::now() > deadline) return util::fail_errno("cannot remove cgroup " + dir.string());
    poll_pause(attempt);
  }
}

void remove_group_dirs(const std::vector<fs::path>& dirs, const std::vector<fs::path>& parents) {
  for (const fs::path& dir : dirs) (void)remove_dir(dir);
  std::lock_guard lock(layout_mutex());
  // Fails (EBUSY) while other groups live there, which is what we want.
  for (const fs::path& parent : parents) group_dir_ops().remove(parent.c_str());
}

CgroupBase::CgroupBase(std::vector<fs::path> dirs, std::vector<fs::path> parents, ControlFile procs)
    : dirs_(std::move(dirs)), parents_(std::move(parents)), procs_(std::move(procs)) {}

bool CgroupBase::empty() const {
  char buffer[16];
  auto n = procs_.read(buffer, sizeof buffer);
  return n && *n == 0;
}

void CgroupBase::arm_cleanup() {
  cleanup_ = std::make_unique<util::CleanupHook>([this] { destroy(); });
}

void CgroupBase::teardown() {
  if (cleanup_) {
    cleanup_->run_now();
    cleanup_.reset();
  } else {
    destroy();
  }
}

void CgroupBase::destroy() {
  (void)kill_all();
  (void)thaw();
  remove_group_dirs(dirs_, parents_);
}

Result<void> CgroupBase::kill_by_signal() {
  const auto deadline = util::Clock::now() + kKillTimeout;
  // Frozen, no task can fork while we read the list and signal it; the SIGKILLs
  // take effect at thaw. If freezing fails, killing repeatedly still gets them.
  const bool frozen = freeze().has_value();
  if (frozen) {
    if (auto pids = read_procs(procs_path()); pids) {
      for (pid_t pid : *pids) ::kill(pid, SIGKILL);
    }
  }
  auto thawed = thaw();
  auto killed = kill_until_empty(procs_path(), deadline);
  if (!killed) return killed;
  return thawed;
}

}  // namespace detail

Result<std::unique_ptr<Cgroup>> Cgroup::create(const CgroupHost& host, std::string_view name,
                                               const CgroupLimits& limits) {
  auto dir_name = detail::group_dir_name(name);
  if (!dir_name) return std::unexpected(dir_name.error());
  if (limits.cpus < 0 || limits.memory_bytes < 0 || limits.cpu_period < std::chrono::milliseconds(1) ||
      limits.cpu_period > std::chrono::seconds(1)) {
    return util::fail("invalid cgroup limits: the CPU period must be 1 to 1000 ms and no limit may be negative");
  }
  // Registered before the first group's hook, so an interrupt runs it after all of
  // them: it also removes a group caught between its mkdir and its own hook.
  // Never destroyed: it must outlive every group.
  static const auto* sweeper = new util::CleanupHook([host] { (void)remove_own_cgroups(host); });
  (void)sweeper;
  auto created = host.version == CgroupVersion::kV2 ? detail::create_v2(host, *dir_name, limits)
                                                    : detail::create_v1(host, *dir_name, limits);
  // The request was valid: what failed is the host's (permissions, controllers).
  if (!created) return std::unexpected(util::host_error(created.error()));
  return created;
}

}  // namespace sweetspot::sandbox
