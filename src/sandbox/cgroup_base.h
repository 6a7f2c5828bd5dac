// What the v1 and v2 groups share: their directories, the shared "sweetspot" parent
// directories, killing every task, removal, and the interrupt hook.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"
#include "sandbox/control_file.h"
#include "util/clock.h"
#include "util/interrupt.h"

namespace sweetspot::sandbox::detail {

inline constexpr std::chrono::seconds kFreezeTimeout{2};
inline constexpr std::chrono::seconds kKillTimeout{5};
inline constexpr std::chrono::seconds kRemoveTimeout{1};
inline constexpr std::string_view kParentDir = "sweetspot";

// "<our pid>-<name>"; the pid lets remove_stale_cgroups() find abandoned groups.
Result<std::string> group_dir_name(std::string_view name);
// The owner pid embedded in a group directory name, or -1.
pid_t owner_of(std::string_view dir_name);

// "0,1,2": the first `count` of `ids` (all of them when count is 0 or too large).
std::string cpu_list(const std::vector<int>& ids, int count);
// Creating and removing the shared parent directories happens under this lock, so
// one environment's teardown never removes a parent another is being created in.
std::recursive_mutex& layout_mutex();

Result<std::vector<pid_t>> read_procs(const std::filesystem::path& procs_file);
// SIGKILLs every process listed in procs_file, again and again, until none is left.
Result<void> kill_until_empty(const std::filesystem::path& procs_file, util::Clock::time_point deadline);
// rmdir, retrying while the kernel still holds exiting tasks (EBUSY). Missing is fine.
Result<void> remove_dir(const std::filesystem::path& dir);
// Backs off from spinning to short sleeps while polling the kernel for a state.
void poll_pause(int attempt);

class CgroupBase : public Cgroup {
 public:
  std::vector<std::filesystem::path> directories() const override { return dirs_; }
  bool empty() const override;
  Result<std::vector<pid_t>> pids() const override { return read_procs(procs_.path()); }

 protected:
  // `dirs` are the group's directories, `parents` the shared sweetspot/ directories
  // that contain them (removed when they become empty).
  CgroupBase(std::vector<std::filesystem::path> dirs, std::vector<std::filesystem::path> parents,
             ControlFile procs);
  // Registers the interrupt hook; call once the group is complete.
  void arm_cleanup();
  // Kills, removes and unregisters (once); derived destructors call it.
  void teardown();
  const std::filesystem::path& procs_path() const { return procs_.path(); }
  // Freezes, SIGKILLs every listed task, thaws and waits until empty.
  Result<void> kill_by_signal();
  // Polls `is_frozen` (a Result<bool>() callable) until the kernel reports every
  // task stopped; after kFreezeTimeout thaws again and fails.
  template <typename Probe>
  Result<void> await_frozen(Probe is_frozen) {
    const auto deadline = util::Clock::now() + kFreezeTimeout;
    for (int attempt = 0;; ++attempt) {
      Result<bool> frozen = is_frozen();
      if (!frozen) return std::unexpected(frozen.error());
      if (*frozen) return {};
      if (util::Clock::now() > deadline) {
        (void)thaw();
        return util::fail("the processes in " + dirs_.front().string() + " did not freeze within " +
                          std::to_string(kFreezeTimeout.count()) + " s");
      }
      poll_pause(attempt);
    }
  }

 private:
  void destroy();
  std::vector<std::filesystem::path> dirs_;
  std::vector<std::filesystem::path> parents_;
  ControlFile procs_;
  std::unique_ptr<util::CleanupHook> cleanup_;
};

// Making and removing a group's directory: the one place where cgroupfs is not a
// plain directory tree (mkdir creates the control files; rmdir removes a directory
// that still lists them). Tests of the file protocol against a fake cgroupfs (a
// temporary tree, see cgroup_v2_fake_test.cc) swap in functions that do the same.
struct GroupDirOps {
  int (*make)(const char* path);    // as mkdir(2): 0, or -1 with errno
  int (*remove)(const char* path);  // as rmdir(2)
};
GroupDirOps& group_dir_ops();

// Removes `dirs` (children first) and then each parent that has become empty.
void remove_group_dirs(const std::vector<std::filesystem::path>& dirs, const std::vector<std::filesystem::path>& parents);

Result<std::unique_ptr<Cgroup>> create_v1(const CgroupHost& host, const std::string& dir_name,
                                          const CgroupLimits& limits);
Result<std::unique_ptr<Cgroup>> create_v2(const CgroupHost& host, const std::string& dir_name,
                                          const CgroupLimits& limits);

}  // namespace sweetspot::sandbox::detail
