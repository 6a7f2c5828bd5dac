#include "engine/environment_lifecycle.h"

#include <gtest/gtest.h>

namespace sweetspot::engine {
namespace {

using namespace std::chrono_literals;
using E = LifecycleEvent;

TEST(EnvironmentLifecycle, ColdThenWarmInvokes) {
  EnvironmentLifecycle life;
  EXPECT_EQ(life.phase(), Phase::kInit);
  EXPECT_TRUE(life.cold());
  EXPECT_FALSE(life.on(E::kInvokeStarted)) << "no event before init is done";
  EXPECT_TRUE(life.on(E::kInitDone));
  EXPECT_EQ(life.phase(), Phase::kFrozen);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(life.on(E::kInvokeStarted));
    EXPECT_EQ(life.phase(), Phase::kInvoke);
    EXPECT_FALSE(life.on(E::kInvokeStarted)) << "one invoke at a time";
    EXPECT_TRUE(life.on(E::kInvokeDone));
    EXPECT_EQ(life.phase(), Phase::kFrozen);
    EXPECT_FALSE(life.cold());
  }
  EXPECT_FALSE(life.on(E::kInitDone)) << "init happens once";
  EXPECT_FALSE(life.on(E::kInvokeDone));
  EXPECT_EQ(life.phase(), Phase::kFrozen);
}

TEST(EnvironmentLifecycle, AResetEndsEveryPhaseAndOnlyAnInitLeavesIt) {
  for (int steps = 0; steps < 3; ++steps) {
    EnvironmentLifecycle life;
    if (steps > 0) life.on(E::kInitDone);
    if (steps > 1) life.on(E::kInvokeStarted);
    EXPECT_TRUE(life.on(E::kReset));
    EXPECT_EQ(life.phase(), Phase::kReset);
    EXPECT_FALSE(life.alive());
    EXPECT_FALSE(life.on(E::kInvokeStarted));
    EXPECT_FALSE(life.on(E::kInitDone));
    // An init retried inside the invoke starts over.
    EXPECT_TRUE(life.on(E::kInitStarted));
    EXPECT_EQ(life.phase(), Phase::kInit);
    EXPECT_TRUE(life.alive());
  }
  EnvironmentLifecycle warm;
  warm.on(E::kInitDone);
  EXPECT_FALSE(warm.on(E::kInitStarted)) << "a warm environment does not init again";
}

TEST(EnvironmentLifecycle, OneDeadlinePerInvokeNeverRenewed) {
  EnvironmentLifecycle life;
  const auto t0 = util::Clock::now();
  life.begin_invoke(12s);
  EXPECT_FALSE(life.deadline());
  // A retried init starts the clock; the event handed over 10.5 s later keeps it.
  EXPECT_EQ(life.start_clock(t0), t0 + 12s);
  EXPECT_EQ(life.start_clock(t0 + 10500ms), t0 + 12s);
  EXPECT_EQ(life.deadline(), t0 + 12s);
  EXPECT_EQ(life.clock_started(), t0);
  // The next invoke has a deadline of its own.
  life.begin_invoke(3s);
  EXPECT_FALSE(life.deadline());
  EXPECT_EQ(life.start_clock(t0 + 20s), t0 + 23s);
}

TEST(EnvironmentLifecycle, LimitsInLambdasUnits) {
  const auto t0 = util::Clock::now();
  EXPECT_EQ(init_deadline(t0), t0 + 10s);
  EXPECT_EQ(invoke_timeout(3), 3s);
  EXPECT_EQ(invoke_timeout(0.0015), 1500us);
  EXPECT_STREQ(phase_name(Phase::kInit), "INIT");
  EXPECT_STREQ(phase_name(Phase::kReset), "RESET");
}

}  // namespace
}  // namespace sweetspot::engine
