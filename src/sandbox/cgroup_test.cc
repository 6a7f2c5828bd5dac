// Real cgroups: needs root and a usable hierarchy (skips otherwise, fails in CI).
#include "sandbox/cgroup.h"

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "sandbox/control_file.h"
#include "sandbox/process.h"
#include "sandbox/test_support.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::run_captured;
using testing::shell;

class CgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto found = testing::cgroup_host();
    SWEETSPOT_REQUIRE(found.has_value(), "no usable cgroups: " + (found ? "" : found.error().message));
    host_ = *found;
  }

  std::unique_ptr<Cgroup> make(const std::string& name, const CgroupLimits& limits) {
    auto group = Cgroup::create(host_, name, limits);
    EXPECT_TRUE(group.has_value()) << group.error().message;
    return group ? std::move(*group) : nullptr;
  }

  // The directory of `group` that holds `file` (v1: the controller's hierarchy).
  static fs::path dir_with(const Cgroup& group, const std::string& file) {
    for (const fs::path& dir : group.directories()) {
      if (fs::exists(dir / file)) return dir;
    }
    return {};
  }

  static std::string read(const fs::path& path) {
    auto text = read_control_file(path);
    return text ? std::string(util::trim(*text)) : "<" + text.error().message + ">";
  }

  static std::chrono::nanoseconds cpu_time(const Cgroup& group) {
    auto usage = group.usage();
    EXPECT_TRUE(usage.has_value());
    return usage ? usage->cpu_time : 0ns;
  }

  CgroupHost host_;
};

TEST_F(CgroupTest, DetectFindsAllControllersAndTheCpus) {
  EXPECT_GE(host_.host_cpus, 1);
  EXPECT_EQ(host_.cpu_ids.size(), static_cast<size_t>(host_.host_cpus));
  if (host_.version == CgroupVersion::kV1) {
    std::vector<std::string> controllers;
    for (const auto& [controller, mount] : host_.v1_mounts) controllers.push_back(controller);
    EXPECT_EQ(controllers, (std::vector<std::string>{"cpu", "cpuacct", "memory", "pids", "freezer", "cpuset"}));
  } else {
    EXPECT_TRUE(fs::exists(host_.unified / "cgroup.controllers"));
  }
}

TEST_F(CgroupTest, CreateAppliesLimitsAndDestructorRemovesEverything) {
  CgroupLimits limits;
  limits.memory_bytes = 128ll << 20;
  limits.cpus = 0.5;
  limits.visible_cores = 1;
  limits.max_pids = 100;
  std::vector<fs::path> dirs;
  {
    auto group = make("limits", limits);
    ASSERT_TRUE(group);
    dirs = group->directories();
    ASSERT_FALSE(dirs.empty());
    for (const fs::path& dir : dirs) {
      EXPECT_TRUE(fs::is_directory(dir)) << dir;
      EXPECT_EQ(dir.filename(), std::to_string(::getpid()) + "-limits");
      EXPECT_EQ(dir.parent_path().filename(), "sweetspot");
    }
    const std::string first_cpu = std::to_string(host_.cpu_ids.front());
    if (group->version() == CgroupVersion::kV1) {
      const fs::path memory = dir_with(*group, "memory.limit_in_bytes");
      EXPECT_EQ(read(memory / "memory.limit_in_bytes"), "134217728");
      if (fs::exists(memory / "memory.memsw.limit_in_bytes")) {
        EXPECT_EQ(read(memory / "memory.memsw.limit_in_bytes"), "134217728");
      }
      const fs::path cpu = dir_with(*group, "cpu.cfs_quota_us");
      EXPECT_EQ(read(cpu / "cpu.cfs_period_us"), "20000");
      EXPECT_EQ(read(cpu / "cpu.cfs_quota_us"), "10000");
      EXPECT_EQ(read(dir_with(*group, "cpuset.cpus") / "cpuset.cpus"), first_cpu);
      EXPECT_EQ(read(dir_with(*group, "pids.max") / "pids.max"), "100");
    } else {
      const fs::path dir = dirs.front();
      EXPECT_EQ(read(dir / "memory.max"), "134217728");
      EXPECT_EQ(read(dir / "cpu.max"), "10000 20000");
      EXPECT_EQ(read(dir / "cpuset.cpus"), first_cpu);
      EXPECT_EQ(read(dir / "pids.max"), "100");
    }
    EXPECT_TRUE(group->empty());
  }
  for (const fs::path& dir : dirs) EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST_F(CgroupTest, SmallQuotaIsRaisedToTheKernelsMinimum) {
  CgroupLimits limits;
  limits.cpus = 0.01;  // 200 us of a 20 ms period: below the 1 ms minimum
  auto group = make("min-quota", limits);
  ASSERT_TRUE(group);
  if (group->version() == CgroupVersion::kV1) {
    EXPECT_EQ(read(dir_with(*group, "cpu.cfs_quota_us") / "cpu.cfs_quota_us"), "1000");
  } else {
    EXPECT_EQ(read(group->directories().front() / "cpu.max"), "1000 20000");
  }
}

TEST_F(CgroupTest, InvalidNameIsRefusedAndCreatesNothing) {
  auto group = Cgroup::create(host_, "a/b", CgroupLimits{});
  ASSERT_FALSE(group);
  EXPECT_NE(group.error().message.find("invalid cgroup name 'a/b'"), std::string::npos);
}

TEST_F(CgroupTest, SpawnedProcessIsInsideBeforeExec) {
  auto group = make("join", CgroupLimits{});
  ASSERT_TRUE(group);
  SpawnOptions options = shell("cat /proc/self/cgroup");
  options.cgroup = group.get();
  auto done = run_captured(options);
  ASSERT_TRUE(done) << done.error().message;
  const std::string suffix = "/sweetspot/" + std::to_string(::getpid()) + "-join";
  if (group->version() == CgroupVersion::kV1) {
    for (const char* controller : {"memory", "cpu", "cpuacct", "pids", "freezer", "cpuset"}) {
      EXPECT_NE(done->out.find(std::string(controller) + ":" + suffix + "\n"), std::string::npos) << done->out;
    }
  } else {
    EXPECT_NE(done->out.find("0::" + suffix), std::string::npos) << done->out;
  }
  EXPECT_TRUE(group->empty());
}

}  // namespace
}  // namespace sweetspot::sandbox
