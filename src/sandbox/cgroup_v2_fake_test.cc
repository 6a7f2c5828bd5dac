// cgroup v2's file protocol, against a fake cgroupfs: a temporary directory tree
// whose "mkdir" lays out the control files a kernel would. The CI machine kind has
// cgroup v1 controllers only (its v2 mount has none), so this is what checks the
// v2 code there: which files are written with what, which are read and how, and
// how groups are made and removed. What a real kernel then does with those values
// (enforcing memory.max, cpu.max, freezing) is not checked here; see README.md.
//
// A plain file differs from a control file in one way that matters here: a write
// shorter than the previous content leaves the previous tail behind. The kernel
// regenerates a control file on every read, so where a test writes a value over a
// longer one it first empties the file, as the kernel's read would show it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "sandbox/cgroup.h"
#include "sandbox/cgroup_base.h"
#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What a v2 kernel (5.19+, every controller enabled) shows in a new group.
constexpr const char* kGroupFiles[] = {
    "cgroup.procs", "cgroup.freeze", "cgroup.events", "cgroup.kill", "cgroup.subtree_control", "cgroup.controllers",
    "cpu.stat", "cpu.max", "cpuset.cpus", "memory.max", "memory.swap.max", "memory.current", "memory.peak",
    "memory.events", "pids.max"};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void put(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::trunc) << content;
}

// mkdir, then the control files, empty (so each value written is read back as is).
int fake_make(const char* path) {
  if (::mkdir(path, 0755) != 0) return -1;
  for (const char* name : kGroupFiles) put(fs::path(path) / name, "");
  put(fs::path(path) / "cgroup.events", "populated 0\nfrozen 0\n");
  return 0;
}

// rmdir of a group: refused while it has tasks (EBUSY) or children, as the kernel does.
int fake_remove(const char* path) {
  const fs::path dir(path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errno = ENOENT;
    return -1;
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) {
      errno = ENOTEMPTY;
      return -1;
    }
  }
  if (!util::trim(slurp(dir / "cgroup.procs")).empty()) {
    errno = EBUSY;
    return -1;
  }
  fs::remove_all(dir, ec);
  return ec ? -1 : 0;
}

class CgroupV2FakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("sweetspot-fake-cgroupfs-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    for (const char* name : kGroupFiles) put(root_ / name, "");
    put(root_ / "cgroup.controllers", "cpuset cpu io memory pids\n");
    saved_ = detail::group_dir_ops();
    detail::group_dir_ops() = {fake_make, fake_remove};
    host_.version = CgroupVersion::kV2;
    host_.unified = root_;
    host_.cpu_ids = {0, 1, 2, 3};
    host_.host_cpus = 4;
  }
  void TearDown() override {
    detail::group_dir_ops() = saved_;
    fs::remove_all(root_);
  }

  std::unique_ptr<Cgroup> make(const CgroupLimits& limits) {
    auto group = Cgroup::create(host_, "fake", limits);
    EXPECT_TRUE(group.has_value()) << group.error().message;
    return group ? std::move(*group) : nullptr;
  }
  fs::path group_dir() const { return root_ / "sweetspot" / (std::to_string(::getpid()) + "-fake"); }
  std::string file(const std::string& name) const { return slurp(group_dir() / name); }

  fs::path root_;
  CgroupHost host_;
  detail::GroupDirOps saved_{};
};

CgroupLimits lambda_128mb() {
  CgroupLimits limits;
  limits.memory_bytes = 128LL << 20;
  limits.cpus = 128 / 1769.0;
  limits.cpu_period = 20ms;
  limits.visible_cores = 2;
  limits.max_pids = 1024;
  return limits;
}

TEST_F(CgroupV2FakeTest, CreateEnablesControllersAndWritesEveryLimit) {
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->version(), CgroupVersion::kV2);
  ASSERT_EQ(group->directories(), std::vector<fs::path>{group_dir()});
  EXPECT_EQ(group->join_files(), std::vector<fs::path>{group_dir() / "cgroup.procs"});
  // Controllers are enabled for the children of the root and of sweetspot/, one
  // "+name" per write (a plain file keeps the last: cpuset, after cpu, memory, pids).
  EXPECT_EQ(slurp(root_ / "cgroup.subtree_control"), "+cpuset");
  EXPECT_EQ(slurp(root_ / "sweetspot" / "cgroup.subtree_control"), "+cpuset");
  EXPECT_EQ(file("memory.max"), std::to_string(128LL << 20));
  EXPECT_EQ(file("memory.swap.max"), "0");
  // 128/1769 of a CPU over a 20 ms period: round(0.0723... * 20000) = 1447 us.
  EXPECT_EQ(file("cpu.max"), "1447 20000");
  EXPECT_EQ(file("cpuset.cpus"), "0,1");
  EXPECT_EQ(file("pids.max"), "1024");
}

// Another sweetspot process removes the shared parent and makes a new one
// between our enabling its controllers and our mkdir: the new parent has none
// enabled yet, so they are enabled again once our group is in it.
int remake_parent_then_make(const char* path) {
  const fs::path dir(path);
  if (dir.parent_path().filename() == "sweetspot") {
    fake_remove(dir.parent_path().c_str());
    fake_make(dir.parent_path().c_str());
  }
  return fake_make(path);
}

TEST_F(CgroupV2FakeTest, AParentMadeAgainByAnotherProcessGetsItsControllersBack) {
  detail::group_dir_ops().make = remake_parent_then_make;
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(slurp(root_ / "sweetspot" / "cgroup.subtree_control"), "+cpuset");
  EXPECT_EQ(file("memory.max"), std::to_string(128LL << 20));
}

TEST_F(CgroupV2FakeTest, QuotaHasTheKernelsOneMillisecondFloorAndNoneIsMax) {
  CgroupLimits limits = lambda_128mb();
  limits.cpus = 0.01;  // 200 us per 20 ms: below the kernel's 1 ms minimum quota
  limits.visible_cores = 0;
  limits.max_pids = 0;
  auto group = make(limits);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(file("cpu.max"), "1000 20000");
  EXPECT_EQ(file("cpuset.cpus"), "0,1,2,3");
  EXPECT_EQ(file("pids.max"), "max");

  ASSERT_TRUE(group->set_cpu_quota(2.0, 20ms).has_value());
  EXPECT_EQ(file("cpu.max"), "40000 20000");
  put(group_dir() / "cpu.max", "");
  ASSERT_TRUE(group->set_cpu_quota(0, 100ms).has_value());
  EXPECT_EQ(file("cpu.max"), "max 100000");
}

TEST_F(CgroupV2FakeTest, UsageReadsCpuStatMemoryAndOomKills) {
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  put(group_dir() / "cpu.stat", "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\nnr_periods 7\n");
  put(group_dir() / "memory.current", "4096000\n");
  put(group_dir() / "memory.peak", "9000000\n");
  put(group_dir() / "memory.events", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n");
  auto usage = group->usage();
  ASSERT_TRUE(usage.has_value()) << usage.error().message;
  EXPECT_EQ(usage->cpu_time, 123456us);
  EXPECT_EQ(usage->memory_current_bytes, 4096000);
  EXPECT_EQ(usage->memory_peak_bytes, 9000000);
  EXPECT_EQ(usage->oom_kills, 1u);
}

TEST_F(CgroupV2FakeTest, WithoutMemoryPeakTheCurrentValueStandsIn) {
  // Kernels before 5.19 have no memory.peak.
  detail::group_dir_ops().make = [](const char* path) {
    const int made = fake_make(path);
    if (made == 0) fs::remove(fs::path(path) / "memory.peak");
    return made;
  };
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  put(group_dir() / "cpu.stat", "usage_usec 5\n");
  put(group_dir() / "memory.current", "777\n");
  put(group_dir() / "memory.events", "oom_kill 0\n");
  auto usage = group->usage();
  ASSERT_TRUE(usage.has_value()) << usage.error().message;
  EXPECT_EQ(usage->memory_peak_bytes, 777);
}

TEST_F(CgroupV2FakeTest, FreezeWritesOneAndReturnsWhenEventsSayFrozen) {
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  put(group_dir() / "cgroup.events", "populated 1\nfrozen 1\n");  // the kernel has stopped every task
  ASSERT_TRUE(group->freeze().has_value());
  EXPECT_EQ(file("cgroup.freeze"), "1");
  ASSERT_TRUE(group->thaw().has_value());
  EXPECT_EQ(file("cgroup.freeze"), "0");
}

TEST_F(CgroupV2FakeTest, FreezeThatNeverTakesEffectFailsAndThawsAgain) {
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  // cgroup.events keeps saying "frozen 0": freeze() gives up after its bound.
  auto frozen = group->freeze();
  ASSERT_FALSE(frozen.has_value());
  EXPECT_NE(frozen.error().message.find("did not freeze"), std::string::npos) << frozen.error().message;
  EXPECT_EQ(file("cgroup.freeze"), "0");
}

TEST_F(CgroupV2FakeTest, KillAllWritesCgroupKillAndDestructionRemovesEverything) {
  auto group = make(lambda_128mb());
  ASSERT_NE(group, nullptr);
  ASSERT_TRUE(group->kill_all().has_value());
  EXPECT_EQ(file("cgroup.kill"), "1");
  EXPECT_TRUE(group->empty());
  group.reset();
  EXPECT_FALSE(fs::exists(group_dir()));
  EXPECT_FALSE(fs::exists(root_ / "sweetspot")) << "the shared parent goes with the last group";
}

TEST_F(CgroupV2FakeTest, AFailedLimitLeavesNothingBehind) {
  detail::group_dir_ops().make = [](const char* path) {
    const int made = fake_make(path);
    if (made == 0) fs::remove(fs::path(path) / "pids.max");  // e.g. the pids controller is off
    return made;
  };
  auto group = Cgroup::create(host_, "fake", lambda_128mb());
  ASSERT_FALSE(group.has_value());
  EXPECT_NE(group.error().message.find("pids.max"), std::string::npos) << group.error().message;
  EXPECT_FALSE(fs::exists(group_dir()));
  EXPECT_FALSE(fs::exists(root_ / "sweetspot"));
}

TEST_F(CgroupV2FakeTest, StaleGroupsOfDeadOwnersAreThawedKilledAndRemoved) {
  // A group left by a sweetspot that was SIGKILLed (its pid is gone), frozen, and
  // one of a live process (ours), which must stay.
  pid_t dead = 0;
  if (const pid_t child = ::fork(); child == 0) {
    ::_exit(0);
  } else {
    int status = 0;
    ::waitpid(child, &status, 0);
    dead = child;
  }
  ASSERT_EQ(fake_make((root_ / "sweetspot").c_str()), 0);
  const fs::path stale = root_ / "sweetspot" / (std::to_string(dead) + "-env-1");
  ASSERT_EQ(fake_make(stale.c_str()), 0);
  put(stale / "cgroup.freeze", "1");
  const fs::path live = root_ / "sweetspot" / (std::to_string(::getpid()) + "-env-2");
  ASSERT_EQ(fake_make(live.c_str()), 0);

  EXPECT_EQ(remove_stale_cgroups(host_), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
}

// What an interrupt runs last (Cgroup::create registers it): this process's groups
// go, including one made without a hook of its own (caught between its mkdir and
// its hook); other processes' groups stay.
TEST_F(CgroupV2FakeTest, RemoveOwnCgroupsTakesThisProcesssGroupsOnly) {
  ASSERT_EQ(fake_make((root_ / "sweetspot").c_str()), 0);
  const fs::path unhooked = root_ / "sweetspot" / (std::to_string(::getpid()) + "-env-7");
  ASSERT_EQ(fake_make(unhooked.c_str()), 0);
  put(unhooked / "cgroup.freeze", "1");
  const fs::path others = root_ / "sweetspot" / "1-env-1";  // pid 1 lives
  ASSERT_EQ(fake_make(others.c_str()), 0);

  EXPECT_EQ(remove_own_cgroups(host_), 1);
  EXPECT_FALSE(fs::exists(unhooked));
  EXPECT_TRUE(fs::exists(others));
}

}  // namespace
}  // namespace sweetspot::sandbox
