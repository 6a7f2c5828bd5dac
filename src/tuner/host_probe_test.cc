#include "tuner/host_probe.h"

#include <sched.h>

#include <gtest/gtest.h>

namespace sweetspot::tuner {
namespace {

// The probe pins itself to each CPU in turn; the thread must get its own
// affinity back, or the tuner's thread would stay on the last CPU.
TEST(CpuBurstProbe, ReadsBothFiguresAndGivesTheThreadItsCpusBack) {
  cpu_set_t before;
  CPU_ZERO(&before);
  ASSERT_EQ(::sched_getaffinity(0, sizeof(before), &before), 0);
  CpuBurstProbe probe(2);
  for (int i = 0; i < 3; ++i) {
    const HostReading r = probe.read();
    EXPECT_GT(r.availability, 0);
    EXPECT_LE(r.availability, 1);
    EXPECT_GT(r.speed, 0);
    EXPECT_LE(r.speed, 1);
  }
  cpu_set_t after;
  CPU_ZERO(&after);
  ASSERT_EQ(::sched_getaffinity(0, sizeof(after), &after), 0);
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
}

// An unpinned burst that did more work per CPU millisecond than any pinned one
// sets the baseline: the CPUs the pinned bursts found are measured against it
// (against the faster pinned burst they would read 100 / 150).
TEST(SpeedBaseline, UnpinnedBurstSetsTheFastestRate) {
  SpeedBaseline baseline;
  EXPECT_DOUBLE_EQ(baseline.speed({.unpinned = 200, .pinned = {100, 150}}), 0.5);
  EXPECT_DOUBLE_EQ(baseline.fastest(), 200);
  // A later probe's slower unpinned burst leaves it where it was.
  EXPECT_DOUBLE_EQ(baseline.speed({.unpinned = 120, .pinned = {180, 190}}), 0.9);
  EXPECT_DOUBLE_EQ(baseline.fastest(), 200);
}

TEST(SpeedBaseline, FasterPinnedBurstRaisesTheBaseline) {
  SpeedBaseline baseline;
  EXPECT_DOUBLE_EQ(baseline.speed({.unpinned = 100, .pinned = {120, 150}}), 0.8);
  EXPECT_DOUBLE_EQ(baseline.fastest(), 150);
}

// Where the probe cannot pin itself, there is no CPU to call slow, but the
// unpinned burst still counts toward the baseline later probes are read against.
TEST(SpeedBaseline, WithoutPinnedBurstsSpeedIsOneAndTheUnpinnedRateCounts) {
  SpeedBaseline baseline;
  EXPECT_DOUBLE_EQ(baseline.speed({.unpinned = 100, .pinned = {}}), 1);
  EXPECT_DOUBLE_EQ(baseline.fastest(), 100);
  EXPECT_DOUBLE_EQ(baseline.speed({.unpinned = 0, .pinned = {50, 80}}), 0.5);
}

}  // namespace
}  // namespace sweetspot::tuner
