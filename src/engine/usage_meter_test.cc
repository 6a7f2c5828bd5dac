#include "engine/usage_meter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "sandbox/process.h"
#include "util/unique_fd.h"

namespace sweetspot::engine {
namespace {

constexpr int64_t kHeld = 16 << 20;

// A runtime stand-in holding ~16 MB (no cgroup: --no-limits' way of counting).
class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    util::UniqueFd read_end(fds[0]), write_end(fds[1]);
    sandbox::SpawnOptions options;
    options.argv = {"/bin/sh", "-c",
                    "x=$(head -c " + std::to_string(kHeld) + " /dev/zero | tr '\\0' a); sleep 60 & echo ready; wait"};
    options.env = {"PATH=/usr/bin:/bin"};
    options.cwd = "/";
    options.tmp = sandbox::TmpIsolation::kShared;
    options.stdout_fd = write_end.get();
    auto spawned = sandbox::Process::spawn(options);
    ASSERT_TRUE(spawned) << spawned.error().message;
    process_.emplace(std::move(*spawned));
    write_end.reset();
    char ready[6];
    ASSERT_EQ(::read(read_end.get(), ready, sizeof ready), 6);
  }

  std::optional<sandbox::Process> process_;
};

TEST_F(UsageMeterTest, MaxMemoryUsedHoldsTheRuntimesPeakAndNeverFalls) {
  UsageMeter meter(nullptr);
  meter.runtime_started(process_->pid());
  const UsageSnapshot now = meter.read();
  EXPECT_GE(now.peak_bytes, kHeld);
  EXPECT_GE(now.cpu_ms, 0);
  EXPECT_GE(meter.max_memory_used_bytes(now), kHeld);
  // A later reading that saw less (here: none at all) does not lower it.
  EXPECT_GE(meter.max_memory_used_bytes(UsageSnapshot{}), kHeld);
  // The group's mark wins when it is the larger.
  EXPECT_EQ(meter.max_memory_used_bytes(UsageSnapshot{.peak_bytes = int64_t{1} << 40}), int64_t{1} << 40);
}

TEST_F(UsageMeterTest, AWarmInvokeStartsFromTheLastInvokesEnd) {
  UsageMeter meter(nullptr);
  meter.runtime_started(process_->pid());
  meter.keep(UsageSnapshot{.cpu_ms = -1});
  EXPECT_EQ(meter.invoke_start().cpu_ms, -1) << "the kept reading, not the kernel's";
  EXPECT_GE(meter.invoke_start().cpu_ms, 0) << "used once, then read afresh";
}

TEST(UsageMeter, NoRuntimeYetReadsAsZero) {
  UsageMeter meter(nullptr);
  const UsageSnapshot now = meter.read();
  EXPECT_EQ(now.cpu_ms, 0);
  EXPECT_EQ(now.peak_bytes, 0);
  EXPECT_EQ(meter.max_memory_used_bytes(now), 0);
}

}  // namespace
}  // namespace sweetspot::engine
