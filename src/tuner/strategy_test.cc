#include "tuner/strategy.h"

#include <gtest/gtest.h>

namespace sweetspot::tuner {
namespace {

// Costs in micro-dollars for readability; the strategies only compare them.
std::vector<Candidate> sizes() {
  return {
      {128, 2.0, 1000, 1200, true},
      {256, 1.9, 480, 600, true},
      {512, 2.4, 300, 350, true},
      {1024, 4.0, 250, 260, true},
      {2048, 0.1, 10, 10, false},  // cheapest and fastest, but it failed: never chosen
  };
}

TEST(Strategy, CostPicksCheapestFeasible) {
  const Choice c = choose(sizes(), {StrategyKind::kCost, 0.5, std::nullopt});
  ASSERT_TRUE(c.chosen);
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 256);
}

TEST(Strategy, SpeedPicksFastestFeasible) {
  const Choice c = choose(sizes(), {StrategyKind::kSpeed, 0.5, std::nullopt});
  ASSERT_TRUE(c.chosen);
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 1024);
}

TEST(Strategy, BalancedMinimisesWeightedNormalisedSum) {
  // maxCost 4.0, maxDuration 1000. w = 0.5:
  // 128: .5*2/4 + .5*1000/1000 = .75;  256: .2375 + .24 = .4775;
  // 512: .3 + .15 = .45;               1024: .5 + .125 = .625  -> 512.
  Choice c = choose(sizes(), {StrategyKind::kBalanced, 0.5, std::nullopt});
  ASSERT_TRUE(c.chosen);
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 512);
  c = choose(sizes(), {StrategyKind::kBalanced, 1.0, std::nullopt});  // cost only
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 256);
  c = choose(sizes(), {StrategyKind::kBalanced, 0.0, std::nullopt});  // speed only
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 1024);
}

TEST(Strategy, LatencyLimitPicksCheapestSizeThatMeetsIt) {
  const Choice c = choose(sizes(), {StrategyKind::kCost, 0.5, LatencyLimit{400, 95}});
  ASSERT_TRUE(c.chosen);
  EXPECT_TRUE(c.limit_met);
  EXPECT_EQ(sizes()[*c.chosen].memory_mb, 512);  // 256 is cheaper but its p95 is 600 ms
}

TEST(Strategy, UnreachableLimitNamesTheClosestSize) {
  const Choice c = choose(sizes(), {StrategyKind::kCost, 0.5, LatencyLimit{100, 95}});
  EXPECT_FALSE(c.chosen);
  EXPECT_FALSE(c.limit_met);
  ASSERT_TRUE(c.closest);
  EXPECT_EQ(sizes()[*c.closest].memory_mb, 1024);
}

TEST(Strategy, CostTieGoesToTheFasterSize) {
  const std::vector<Candidate> tied = {{128, 1.0, 800, 800, true}, {256, 1.0, 400, 400, true}};
  EXPECT_EQ(*choose(tied, {}).chosen, 1u);
}

TEST(Strategy, NothingFeasibleChoosesNothingWithoutBlamingTheLimit) {
  const std::vector<Candidate> failed = {{128, 1.0, 800, 800, false}};
  const Choice c = choose(failed, {StrategyKind::kCost, 0.5, LatencyLimit{100, 95}});
  EXPECT_FALSE(c.chosen);
  EXPECT_FALSE(c.closest);
}

TEST(Strategy, ParsesNamesAndPercentiles) {
  EXPECT_EQ(parse_strategy("balanced").value(), StrategyKind::kBalanced);
  EXPECT_FALSE(parse_strategy("cheap").has_value());
  EXPECT_DOUBLE_EQ(parse_percentile("p95").value(), 95);
  EXPECT_DOUBLE_EQ(parse_percentile("99.9").value(), 99.9);
  EXPECT_FALSE(parse_percentile("p0").has_value());
  EXPECT_FALSE(parse_percentile("p101").has_value());
  EXPECT_FALSE(parse_percentile("fast").has_value());
}

}  // namespace
}  // namespace sweetspot::tuner
