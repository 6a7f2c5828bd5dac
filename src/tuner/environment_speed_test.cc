#include "tuner/environment_speed.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine_api/lambda_limits.h"
#include "tuner/sampler.h"
#include "tuner/testing/fake_backend.h"

namespace sweetspot::tuner {
namespace {

Prices us_east_1() { return PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value(); }

// A measured size: `wait_ms` of waiting and `cpu_ms` of single-threaded CPU work
// at the size's share of a vCPU.
SizeResult size(int memory_mb, double wait_ms, double cpu_ms) {
  SizeResult s;
  s.memory_mb = memory_mb;
  s.invocations = s.successes = 3;
  s.support.effective_cpus = engine_api::cpu_share(memory_mb);
  s.cpu_time_ms.count = 2;
  s.cpu_time_ms.mean = s.cpu_time_ms.trimmed_mean = cpu_ms;
  s.typical_duration_ms = wait_ms + cpu_ms / std::min(1.0, s.support.effective_cpus);
  s.latency_ms = s.typical_duration_ms;
  s.steady_billed_ms.count = 2;
  s.steady_billed_ms.mean = s.steady_billed_ms.trimmed_mean = std::ceil(s.typical_duration_ms);
  s.cost = invocation_cost(us_east_1(), memory_mb, s.steady_billed_ms.trimmed_mean, 512);
  return s;
}

// The same work everywhere, one environment 20% slow: it is compared at the
// level's speed, and only its CPU part is scaled (the wait is the same in any
// environment).
TEST(EnvironmentSpeed, ASlowEnvironmentIsComparedAtTheLevelsSpeed) {
  const std::vector<SizeResult> measured = {size(512, 100, 50), size(1024, 100, 50), size(1769, 100, 60),
                                            size(2048, 100, 50), size(3008, 100, 50)};
  const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
  ASSERT_EQ(typical.sizes.size(), measured.size());
  ASSERT_EQ(typical.adjustments.size(), measured.size());
  const SizeResult& slow = typical.sizes[2];
  const double level = typical.adjustments[2].typical_cpu_ms;
  EXPECT_NEAR(level, 52, 1.5);  // the slow one pulls the level a little
  EXPECT_NEAR(slow.typical_duration_ms, 100 + level, 0.01);
  EXPECT_NEAR(slow.cpu_time_ms.trimmed_mean, level, 0.01);
  EXPECT_NEAR(slow.steady_billed_ms.trimmed_mean, 100 + level, 0.01);  // 160 ms billed as measured
  EXPECT_LT(slow.cost.total(), measured[2].cost.total());
  // Below one vCPU the CPU part is the CPU time at the size's share.
  const double share = engine_api::cpu_share(512);
  EXPECT_NEAR(typical.sizes[0].typical_duration_ms, 100 + typical.adjustments[0].typical_cpu_ms / share, 0.01);
  // The measurements themselves are untouched.
  EXPECT_EQ(measured[2].typical_duration_ms, 160);
}

// A throttled pick of CPU-bound work, whose cost is flat up to one vCPU: the
// sizes that cost within what its one environment's speed can move (20% of
// its CPU part) are its rivals; two vCPUs for serial work cost twice as much
// and are not. Where the pick mostly waits, the environment's speed moves
// little of its cost, and a pick above a fifth of a vCPU is compared at the
// level anyway: no rivals.
TEST(EnvironmentSpeed, RivalsOfAThrottledPickAreTheSizesItsEnvironmentCouldHaveBeaten) {
  const std::vector<SizeResult> cpu_bound = {size(128, 0, 50), size(512, 0, 50), size(1769, 0, 50),
                                             size(3538, 0, 50)};
  EXPECT_EQ(rivals_within_environment_reach(cpu_bound, cpu_bound[0]), (std::vector<int>{512, 1769}));
  EXPECT_TRUE(rivals_within_environment_reach(cpu_bound, cpu_bound[1]).empty());
  const std::vector<SizeResult> waiting = {size(128, 500, 5), size(160, 500, 5), size(1769, 500, 5)};
  EXPECT_TRUE(rivals_within_environment_reach(waiting, waiting[0]).empty());
}

// A size whose CPU time is far off the level did other work (a collector near
// its floor), not the same work slower: compared as measured, and left out of
// the level.
TEST(EnvironmentSpeed, OtherWorkIsLeftAsMeasured) {
  const std::vector<SizeResult> measured = {size(200, 20, 1650), size(1024, 20, 300), size(1769, 20, 310),
                                            size(2560, 20, 295), size(3538, 20, 290)};
  const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
  ASSERT_EQ(typical.adjustments.size(), 4u);
  EXPECT_EQ(typical.adjustments[0].memory_mb, 1024);
  EXPECT_EQ(typical.sizes[0].typical_duration_ms, measured[0].typical_duration_ms);
  EXPECT_EQ(typical.sizes[0].cost.total(), measured[0].cost.total());
  for (const auto& a : typical.adjustments) EXPECT_NEAR(a.typical_cpu_ms, 300, 10);
}

// The host's stretches run the same work about a third faster or slower
// (image-python: 48 ms of CPU per invoke against 63), and which of the two most
// sizes were measured in changes by the hour. A size measured in a fast stretch
// among slow ones, or a slow one among fast ones, is the same work and compared
// at the level; one that takes half (a cache that fits at that size) did less
// work, and is compared as measured.
TEST(EnvironmentSpeed, AStretchIsTheSameWorkAndHalfTheWorkIsNot) {
  const std::vector<SizeResult> fast = {size(512, 8, 63), size(768, 8, 62), size(1024, 8, 64), size(1769, 8, 48),
                                        size(3538, 8, 63)};
  const TypicalSpeed leveled = at_typical_speed(fast, us_east_1(), 512);
  ASSERT_EQ(leveled.adjustments.size(), fast.size());
  EXPECT_NEAR(leveled.sizes[3].cpu_time_ms.trimmed_mean, leveled.adjustments[3].typical_cpu_ms, 0.01);
  EXPECT_GT(leveled.sizes[3].cost.total(), fast[3].cost.total());

  const std::vector<SizeResult> slow = {size(512, 8, 48), size(1024, 8, 64), size(1769, 8, 47), size(3538, 8, 49)};
  const TypicalSpeed among_fast = at_typical_speed(slow, us_east_1(), 512);
  ASSERT_EQ(among_fast.adjustments.size(), slow.size());
  EXPECT_LT(among_fast.sizes[1].cost.total(), slow[1].cost.total());

  std::vector<SizeResult> half = fast;
  half[3] = size(1769, 8, 31);
  const TypicalSpeed measured = at_typical_speed(half, us_east_1(), 512);
  ASSERT_EQ(measured.adjustments.size(), half.size() - 1);
  EXPECT_EQ(measured.sizes[3].cost.total(), half[3].cost.total());
}

// Steady samples of a size, each `wait_ms` plus its CPU time at the size's share.
void set_samples(SizeResult& s, double wait_ms, const std::vector<double>& cpu_ms) {
  std::vector<double> durations, billed;
  s.steady_samples.clear();
  for (double c : cpu_ms) {
    const double d = wait_ms + c / std::min(1.0, s.support.effective_cpus);
    s.steady_samples.push_back({d, std::ceil(d), c});
    durations.push_back(d);
    billed.push_back(std::ceil(d));
  }
  s.steady_billed_ms = summarize(billed, 0);
  s.cpu_time_ms = summarize(cpu_ms, 0);
  s.typical_duration_ms = summarize(durations, 0).trimmed_mean;
}

// The host's fast stretches come and go within a size's invokes: where its
// billed durations spread with their CPU time, each invoke is compared at the
// level, and what is left of the spread is what the function's own noise adds
// (the margins come from it); the spread of a wait stays as it was.
TEST(EnvironmentSpeed, EachInvokeIsComparedAtTheLevel) {
  std::vector<SizeResult> sizes = {size(512, 8, 60), size(768, 8, 60), size(1024, 8, 60), size(1769, 8, 60),
                                   size(3538, 8, 60)};
  set_samples(sizes[2], 8, {48, 63, 62, 47, 64});
  const TypicalSpeed typical = at_typical_speed(sizes, us_east_1(), 512);
  ASSERT_EQ(typical.adjustments.size(), sizes.size());
  const double level = typical.adjustments[2].typical_cpu_ms;
  const SizeResult& leveled = typical.sizes[2];
  const double share = engine_api::cpu_share(1024);
  EXPECT_NEAR(leveled.typical_duration_ms, 8 + level / share, 0.01);
  EXPECT_NEAR(leveled.steady_billed_ms.trimmed_mean, 8 + level / share, 1);
  EXPECT_LT(leveled.steady_billed_ms.stddev, 0.05 * sizes[2].steady_billed_ms.stddev);  // billing's rounding
  EXPECT_NEAR(leveled.cpu_time_ms.trimmed_mean, level, 0.01);
  EXPECT_NEAR(typical.adjustments[2].duration_factor, leveled.typical_duration_ms / sizes[2].typical_duration_ms,
              1e-9);

  // Noise in the wait, with the CPU time steady: the same spread at the level.
  std::vector<SizeResult> waits = sizes;
  set_samples(waits[2], 8, {66, 66, 66, 66, 66});  // a slow environment, the same in every invoke
  for (auto [i, wait] : {std::pair{0, 2.0}, {1, 14.0}, {3, 4.0}, {4, 12.0}}) {
    waits[2].steady_samples[i].duration_ms += wait;
    waits[2].steady_samples[i].billed_ms += wait;
  }
  std::vector<double> billed;
  for (const auto& x : waits[2].steady_samples) billed.push_back(x.billed_ms);
  waits[2].steady_billed_ms = summarize(billed, 0);
  const TypicalSpeed same = at_typical_speed(waits, us_east_1(), 512);
  EXPECT_NEAR(same.sizes[2].steady_billed_ms.stddev, waits[2].steady_billed_ms.stddev,
              0.05 * waits[2].steady_billed_ms.stddev);
}

// Below a fifth of a vCPU the CPU time per invoke is the quota's as much as the
// environment's: such sizes are compared as measured, and left out of the level.
TEST(EnvironmentSpeed, ThrottledSizesAreComparedAsMeasured) {
  const std::vector<SizeResult> measured = {size(128, 10, 60), size(256, 10, 58), size(512, 10, 50),
                                            size(1024, 10, 52), size(1769, 10, 48), size(3538, 10, 50)};
  const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
  ASSERT_EQ(typical.adjustments.size(), 4u);
  EXPECT_EQ(typical.adjustments.front().memory_mb, 512);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(typical.sizes[i].typical_duration_ms, measured[i].typical_duration_ms);
    EXPECT_EQ(typical.sizes[i].cost.total(), measured[i].cost.total());
  }
  EXPECT_NEAR(typical.adjustments.front().typical_cpu_ms, 50, 1);
}

// Too little to tell a trend from environments, or sizes the host disturbed:
// the sizes as measured.
TEST(EnvironmentSpeed, NeedsFourUndisturbedSizes) {
  std::vector<SizeResult> measured = {size(512, 10, 50), size(1024, 10, 55), size(1769, 10, 60),
                                      size(3538, 10, 50)};
  EXPECT_FALSE(at_typical_speed(measured, us_east_1(), 512).adjustments.empty());
  measured[1].trusted = false;
  const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
  EXPECT_TRUE(typical.adjustments.empty());
  for (size_t i = 0; i < measured.size(); ++i) {
    EXPECT_EQ(typical.sizes[i].typical_duration_ms, measured[i].typical_duration_ms);
  }
}

// The search measures 1,769 and 3,538 MB together first: where the host's
// stretch changed before the other sizes, those two lie a third off the rest.
// A least-squares slope calls that a trend (their leverage is the largest);
// across the sizes' order it is none, and the sizes are compared at the level.
TEST(EnvironmentSpeed, AStretchBetweenTheFirstSizesAndTheRestIsNoTrend) {
  const std::vector<SizeResult> measured = {size(476, 8, 64), size(521, 8, 67), size(918, 8, 61), size(1274, 8, 65),
                                            size(1501, 8, 64), size(1769, 8, 47), size(3538, 8, 48)};
  const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
  ASSERT_EQ(typical.adjustments.size(), measured.size());
  EXPECT_GT(typical.sizes[5].cost.total(), measured[5].cost.total());
}

// Work that grows with memory (heap-scan's: a heap scanned in proportion to its
// size) has a trend, not environments of different speeds: as measured.
TEST(EnvironmentSpeed, WorkThatGrowsWithMemoryIsNotAnEnvironment) {
  std::vector<SizeResult> measured;
  for (int m : {128, 256, 1769, 2560, 3538}) measured.push_back(size(m, 20, 1000 + 120.0 * m / 1024));
  EXPECT_TRUE(at_typical_speed(measured, us_east_1(), 512).adjustments.empty());
}

// On the fake backend with environments 9% apart in speed (the env-speed curve):
// the sizes' compared costs scatter less around the true curve than the measured
// ones, over many runs.
TEST(EnvironmentSpeed, ComparedCostsScatterLessThanMeasuredOnes) {
  const testing::Curve curve = testing::standard_curve("env-speed");
  ASSERT_GT(curve.environment_spread, 0);
  const std::vector<int> sizes = {512, 1024, 1769, 2560, 3538, 4096};
  double measured_error = 0, compared_error = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    testing::FakeBackend backend(curve, seed);
    QuietHost quiet;
    SamplerOptions options;
    options.seed = seed;
    Sampler sampler(backend, {"{}"}, us_east_1(), options, nullptr, &quiet);
    for (int m : sizes) sampler.want(m, 3);
    sampler.run();
    const std::vector<SizeResult> measured = sampler.results();
    const TypicalSpeed typical = at_typical_speed(measured, us_east_1(), 512);
    for (size_t i = 0; i < measured.size(); ++i) {
      const double truth = testing::true_duration_ms(curve, measured[i].memory_mb);
      measured_error += std::pow(std::log(measured[i].typical_duration_ms / truth), 2);
      compared_error += std::pow(std::log(typical.sizes[i].typical_duration_ms / truth), 2);
    }
  }
  EXPECT_LT(compared_error, 0.5 * measured_error);
}

}  // namespace
}  // namespace sweetspot::tuner
