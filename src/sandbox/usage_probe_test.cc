#include "sandbox/usage_probe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "sandbox/procfs.h"
#include "sandbox/test_support.h"

namespace sweetspot::sandbox {
namespace {

constexpr int64_t kHeld = 20 << 20;

// A shell that spins a while, then holds ~20 MB in a variable (its child
// `sleep`, started first, holds little) and says when it does.
struct Holder {
  std::optional<Process> process;
  util::UniqueFd out;

  static Holder start(const Cgroup* group) {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    SpawnOptions options =
        testing::shell("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; x=$(head -c " + std::to_string(kHeld) +
                       " /dev/zero | tr '\\0' a); sleep 60 & echo ready; wait");
    options.stdout_fd = fds[1];
    options.cgroup = group;
    Holder h;
    auto spawned = Process::spawn(options);
    ::close(fds[1]);
    h.out.reset(fds[0]);
    EXPECT_TRUE(spawned.has_value()) << spawned.error().message;
    if (spawned) h.process.emplace(std::move(*spawned));
    char line[6] = {};
    EXPECT_EQ(::read(h.out.get(), line, sizeof line), 6) << "the holder did not get ready";
    return h;
  }
};

TEST(UsageProbe, WithoutAGroupTheLeadersProcCounts) {
  Holder holder = Holder::start(nullptr);
  ASSERT_TRUE(holder.process);
  const UsageProbe probe(nullptr, holder.process->pid());
  const Usage usage = probe.read();
  EXPECT_GE(usage.memory_peak_bytes, kHeld);
  EXPECT_GT(usage.cpu_time.count(), 0);
  EXPECT_EQ(usage.oom_kills, 0u);
  // No group lists the processes: the leader's peak stands for all of them.
  EXPECT_EQ(probe.resident_bytes(ResidentSet::kNow), probe.resident_bytes(ResidentSet::kPeak));
  EXPECT_GE(probe.resident_bytes(ResidentSet::kNow), kHeld);
}

TEST(UsageProbe, AProcessThatIsGoneReadsAsZero) {
  const UsageProbe probe(nullptr, -1);
  EXPECT_EQ(probe.read().memory_peak_bytes, 0);
  EXPECT_EQ(probe.read().cpu_time.count(), 0);
  EXPECT_EQ(probe.resident_bytes(ResidentSet::kPeak), 0);
}

TEST(UsageProbe, WithAGroupEveryProcessOfItCounts) {
  auto host = testing::cgroup_host();
  SWEETSPOT_REQUIRE(host.has_value(), "no usable cgroups: " + (host ? "" : host.error().message));
  auto group = Cgroup::create(*host, "usage-probe", CgroupLimits{});
  ASSERT_TRUE(group) << group.error().message;
  Holder holder = Holder::start(group->get());
  ASSERT_TRUE(holder.process);
  const UsageProbe probe(group->get(), holder.process->pid());
  const Usage usage = probe.read();
  EXPECT_GE(usage.memory_peak_bytes, kHeld);
  EXPECT_GT(usage.cpu_time.count(), 0);
  // The shell and its sleep: more than the leader alone.
  EXPECT_GT(probe.resident_bytes(ResidentSet::kNow), resident_bytes(holder.process->pid()));
  EXPECT_GE(probe.resident_bytes(ResidentSet::kPeak), kHeld);
  EXPECT_GE(probe.resident_bytes(ResidentSet::kPeak), probe.resident_bytes(ResidentSet::kNow));
  (void)(*group)->kill_all();
}

}  // namespace
}  // namespace sweetspot::sandbox
