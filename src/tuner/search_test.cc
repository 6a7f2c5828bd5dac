#include "tuner/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/lambda_limits.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace sweetspot::tuner {
namespace {

using testing::Curve;
using testing::FakeBackend;

Prices us_east_1() { return PriceTable::builtin()->lookup("us-east-1", engine::Architecture::kX86_64).value(); }

// What a size really costs per call on the noise-free curve (infinite if it fails).
double true_cost(const Curve& c, int memory_mb) {
  if (c.working_set_mb > 0 && memory_mb <= c.working_set_mb) return INFINITY;
  return invocation_cost(us_east_1(), memory_mb, std::ceil(testing::true_duration_ms(c, memory_mb))).total();
}

double best_of_64mb_sweep(const Curve& c) {
  double best = INFINITY;
  for (int m = engine::kMinMemoryMb; m <= engine::kMaxMemoryMb; m += 64) best = std::min(best, true_cost(c, m));
  return best;
}

TEST(AutoSearch, InitialProbesSpanTheRange) {
  const auto probes = initial_probes();
  EXPECT_EQ(probes.front(), engine::kMinMemoryMb);
  EXPECT_TRUE(std::is_sorted(probes.begin(), probes.end()));
  EXPECT_NE(std::find(probes.begin(), probes.end(), 1769), probes.end());  // one vCPU
}

// The target, checked on every standard curve: within 2% of the best
// size of an exhaustive 64 MB sweep, with at most a third of its invokes.
TEST(AutoSearch, FindsTheOptimumOfEveryStandardCurveCheaply) {
  const int sweep_invocations = ((engine::kMaxMemoryMb - engine::kMinMemoryMb) / 64 + 1) * 10;
  for (const Curve& curve : testing::standard_curves()) {
    FakeBackend backend(curve, /*seed=*/7);
    Plan plan;
    plan.selection = SizeSelection::kAuto;
    auto result = tune(backend, plan, us_east_1(), nullptr);
    ASSERT_TRUE(result.has_value()) << curve.name << ": " << result.error().message;
    ASSERT_NE(result->recommended(), nullptr) << curve.name << ": " << result->headline;
    const double found = true_cost(curve, result->recommended()->memory_mb);
    const double best = best_of_64mb_sweep(curve);
    EXPECT_LE(found, best * 1.02) << curve.name << ": chose " << result->recommended()->memory_mb << " MB";
    EXPECT_LE(backend.invocations() * 3, sweep_invocations) << curve.name;
    ASSERT_TRUE(result->search.has_value());
    EXPECT_FALSE(result->search->stop_reason.empty());
  }
}

TEST(AutoSearch, NarrowsTheSmallestSizeThatFitsInMemory) {
  Curve curve;  // I/O-bound with a 700 MB working set: the best is the smallest size that fits
  curve.wait_ms = 50;
  curve.serial_cpu_ms = 20;
  curve.working_set_mb = 700;
  FakeBackend backend(curve);
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  plan.num = 5;
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr);
  EXPECT_GT(result->recommended()->memory_mb, 700);
  EXPECT_LE(result->recommended()->memory_mb, 700 + 16);
  EXPECT_TRUE(result->search->converged);
  // The sizes below the working set are reported, with the reason.
  EXPECT_FALSE(result->sizes.front().feasible);
  EXPECT_NE(result->sizes.front().infeasible_reason.find("out of memory"), std::string::npos);
}

TEST(AutoSearch, LatencyLimitSearchFindsTheCheapestSizeThatMeetsIt) {
  Curve curve;
  curve.serial_cpu_ms = 300;
  FakeBackend backend(curve);
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  plan.num = 5;
  plan.strategy.limit = LatencyLimit{600, 95};
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  // 300 ms x 1769 / m <= 600 ms from m = 885 MB up; cost rises above 1,769 MB.
  EXPECT_LE(result->recommended()->latency_ms, 600);
  EXPECT_GE(result->recommended()->memory_mb, 885);
  EXPECT_LE(result->recommended()->memory_mb, 1769);
}

// `--memory auto` with the plan's defaults.
util::Result<TuneResult> tune_auto(FakeBackend& backend) {
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  return tune(backend, plan, us_east_1(), nullptr);
}

// A function that used 517 MB at one vCPU cannot fit in 128 MB: the spread's
// smallest probe goes just above what it used instead of into a sure out of
// memory (which, for a collector that thrashes before it dies, is the longest
// invoke of the run). Its best is far above that floor, so nothing below it is
// tried at all.
TEST(AutoSearch, SmallestProbeHoldsWhatTheFunctionUsed) {
  FakeBackend backend(Curve{.wait_ms = 100, .serial_cpu_ms = 300, .working_set_mb = 512, .pressure_cpu_ms = 800});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  for (const auto& batch : backend.batches()) EXPECT_GT(batch.memory_mb, 512) << "ran out of memory at " << batch.memory_mb;
  EXPECT_EQ(result->sizes.front().memory_mb, 517 + tolerance_mb(517));
  EXPECT_TRUE(result->sizes.front().feasible);
}

// A small function still gets 128 MB, measured after one and two vCPUs.
TEST(AutoSearch, SmallFunctionStillMeasuresTheSmallestSize) {
  FakeBackend backend(Curve{.wait_ms = 20, .serial_cpu_ms = 50});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(backend.batches().empty());
  EXPECT_NE(backend.batches().front().memory_mb, engine::kMinMemoryMb);  // one or two vCPUs came first
  EXPECT_EQ(result->sizes.front().memory_mb, engine::kMinMemoryMb);
  ASSERT_GE(result->search->probes.size(), 3u);
  EXPECT_EQ(result->search->probes[2].memory_mb, engine::kMinMemoryMb);
}

// When the size just above what the function used is the cheapest, sizes well
// below it are tried once (a collected runtime uses more memory where it has
// more), and the floor is then narrowed from the failure upwards, never below
// the memory the smallest working size used.
TEST(AutoSearch, LooksBelowTheFirstSmallProbeWhenTheBestIsThere) {
  FakeBackend backend(Curve{.wait_ms = 50, .serial_cpu_ms = 20, .working_set_mb = 300});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  EXPECT_FALSE(result->sizes.front().feasible);
  EXPECT_LT(result->sizes.front().memory_mb, 300);
  EXPECT_GT(result->recommended()->memory_mb, 300);
  EXPECT_LE(result->recommended()->memory_mb, 300 + 16);
}

}  // namespace
}  // namespace sweetspot::tuner
