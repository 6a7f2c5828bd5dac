#include "tuner/size_result.h"

#include <gtest/gtest.h>

namespace sweetspot::tuner {
namespace {

using engine_api::Invocation;
using engine_api::Outcome;
using engine_api::StartKind;

Prices prices() {
  Prices p;
  p.gb_second_tiers = {PriceTier{}};
  p.gb_second_tiers[0].price = 0.0000166667;
  p.request = 0.0000002;
  return p;
}

Invocation warm(double ms) {
  Invocation inv;
  inv.start = StartKind::kWarm;
  inv.duration_ms = ms;
  inv.billed_duration_ms = static_cast<int64_t>(std::ceil(ms));
  inv.cpu_time_ms = ms / 2;
  inv.max_memory_used_mb = 60;
  return inv;
}

TEST(SizeResult, SplitsColdAndWarmAndPricesTheTypicalWarmCall) {
  Invocation cold = warm(100.2);
  cold.start = StartKind::kCold;
  cold.init_duration_ms = 150;
  cold.billed_duration_ms = 251;  // ceil(150 + 100.2)
  std::vector<Invocation> runs = {cold, warm(100.2), warm(99.5), warm(101), warm(98.7), warm(250)};
  const SizeResult r = summarize_size(1024, {}, runs, prices(), MeasureOptions{});
  EXPECT_TRUE(r.feasible);
  EXPECT_EQ(r.successes, 6);
  EXPECT_EQ(r.cold_duration.count, 1);
  EXPECT_DOUBLE_EQ(r.cold_duration.mean, 250.2);  // init counts in a cold sample
  EXPECT_EQ(r.warm_duration.count, 5);
  EXPECT_DOUBLE_EQ(r.init_duration.mean, 150);
  // Warm durations {98.7, 99.5, 100.2, 101, 250}: drop floor(5 * 0.2) = 1 each end.
  EXPECT_NEAR(r.typical_duration_ms, (99.5 + 100.2 + 101) / 3, 1e-9);
  // Warm billed {99, 100, 101, 101, 250} -> trimmed mean (100 + 101 + 101) / 3 ms at 1 GB.
  EXPECT_NEAR(r.cost.compute, (302.0 / 3) / 1000 * 0.0000166667, 1e-15);
  EXPECT_NEAR(r.cost.total(), r.cost.compute + 0.0000002, 1e-18);
  // Power Tuning's duration is the trimmed mean of all six samples (cold included):
  // sorted {98.7, 99.5, 100.2, 101, 250, 250.2}, drop 1 each end.
  EXPECT_NEAR(r.power_tuning_duration_ms, (99.5 + 100.2 + 101 + 250) / 4, 1e-9);
  EXPECT_NEAR(r.power_tuning_cost, std::ceil(r.power_tuning_duration_ms) / 1000 * 0.0000166667, 1e-15);
  // Spent: every billed millisecond, plus a request each.
  EXPECT_NEAR(r.spent, (251 + 101 + 100 + 101 + 99 + 250) / 1000.0 * 0.0000166667 + 6 * 0.0000002, 1e-15);
}

// --memory auto adds sizes with one cold and one warm invoke: a first invoke's
// extra CPU (module loading, a JIT's compiling) must not be set against the
// warm duration, or an I/O-bound function looks CPU-bound.
TEST(SizeResult, CpuTimeIsThatOfTheSamplesItsDurationIs) {
  Invocation cold = warm(2500);
  cold.start = StartKind::kCold;
  cold.init_duration_ms = 300;
  cold.cpu_time_ms = 150;
  Invocation w = warm(380);
  w.cpu_time_ms = 40;
  const SizeResult reused = summarize_size(128, {}, {cold, w}, prices(), MeasureOptions{});
  EXPECT_EQ(reused.cpu_time_ms.count, 1);
  EXPECT_DOUBLE_EQ(reused.cpu_time_ms.mean, 40);
  EXPECT_DOUBLE_EQ(reused.typical_duration_ms, 380);

  // Every invoke cold (--cold-starts): every invoke is a steady sample.
  MeasureOptions cold_starts;
  cold_starts.start = engine_api::StartPolicy::kColdEveryTime;
  Invocation cold2 = cold;
  cold2.cpu_time_ms = 130;
  const SizeResult all_cold = summarize_size(128, {}, {cold, cold2}, prices(), cold_starts);
  EXPECT_EQ(all_cold.cpu_time_ms.count, 2);
  EXPECT_DOUBLE_EQ(all_cold.cpu_time_ms.mean, 140);
}

TEST(SizeResult, OutOfMemoryMakesTheSizeInfeasibleAndCountsErrorsByType) {
  Invocation oom = warm(30);
  oom.outcome = Outcome::kOutOfMemory;
  oom.error_type = "Runtime.OutOfMemory";
  Invocation err = warm(10);
  err.outcome = Outcome::kFunctionError;
  err.error_type = "TypeError";
  const SizeResult r = summarize_size(128, {}, {warm(100), oom, err, warm(100)}, prices(), MeasureOptions{});
  EXPECT_FALSE(r.feasible);
  EXPECT_EQ(r.infeasible_reason, "out of memory in 1 of 4 invokes");
  EXPECT_EQ(r.errors.at("Runtime.OutOfMemory"), 1);
  EXPECT_EQ(r.errors.at("TypeError"), 1);
  EXPECT_EQ(r.successes, 2);
}

TEST(SizeResult, FunctionErrorsAloneKeepASizeFeasibleUnlessNothingSucceeds) {
  Invocation err = warm(10);
  err.outcome = Outcome::kFunctionError;
  err.error_type = "Error";
  EXPECT_TRUE(summarize_size(128, {}, {warm(100), err}, prices(), MeasureOptions{}).feasible);
  const SizeResult all_failed = summarize_size(128, {}, {err, err}, prices(), MeasureOptions{});
  EXPECT_FALSE(all_failed.feasible);
  EXPECT_EQ(all_failed.infeasible_reason, "all 2 invokes failed (Error x2)");
  // The first message (its first line) says what went wrong.
  Invocation said = err;
  said.error_type = "ValueError";
  said.error_message = "rounds must be positive\nTraceback (most recent call last):";
  Invocation later = said;
  later.error_message = "another message";
  const SizeResult with_message = summarize_size(128, {}, {said, later}, prices(), MeasureOptions{});
  EXPECT_EQ(with_message.first_error, "ValueError: rounds must be positive");
  EXPECT_EQ(with_message.infeasible_reason,
            "all 2 invokes failed (ValueError x2); the first said: ValueError: rounds must be positive");
}

TEST(SizeResult, LatencyUsesTheRequestedPercentile) {
  MeasureOptions options;
  options.latency_percentile = 50;
  std::vector<Invocation> runs = {warm(10), warm(20), warm(30), warm(40), warm(50)};
  EXPECT_DOUBLE_EQ(summarize_size(512, {}, runs, prices(), options).latency_ms, 30);
  options.latency_percentile = 75;  // rank 3 of 0..4
  EXPECT_DOUBLE_EQ(summarize_size(512, {}, runs, prices(), options).latency_ms, 40);
}

}  // namespace
}  // namespace sweetspot::tuner
