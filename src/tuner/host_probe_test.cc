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

}  // namespace
}  // namespace sweetspot::tuner
