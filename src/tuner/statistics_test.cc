#include "tuner/statistics.h"

#include <gtest/gtest.h>

namespace sweetspot::tuner {
namespace {

TEST(Statistics, TrimmedMeanDropsFloorOfNTimesFractionFromEachEnd) {
  // n = 5, F = 0.2: floor(1.0) = 1 sample off each end -> mean of {2, 3, 4}.
  EXPECT_DOUBLE_EQ(trimmed_mean({100, 1, 3, 2, 4}, 0.2), 3.0);
  // n = 4, F = 0.2: floor(0.8) = 0, nothing dropped (Power Tuning's parseInt).
  EXPECT_DOUBLE_EQ(trimmed_mean({1, 2, 3, 10}, 0.2), 4.0);
  // F is clamped to 0.4: n = 5 drops floor(2.0) = 2 from each end.
  EXPECT_DOUBLE_EQ(trimmed_mean({5, 1, 100, 2, 50}, 0.9), 5.0);
  EXPECT_DOUBLE_EQ(trimmed_mean({}, 0.2), 0.0);
}

TEST(Statistics, PercentilesInterpolateBetweenClosestRanks) {
  const Summary s = summarize({4, 1, 100, 3, 2}, 0.2);
  // Sorted {1, 2, 3, 4, 100}; rank = p/100 * 4.
  EXPECT_NEAR(s.p5, 1 + 0.2 * 1, 1e-9);     // rank 0.2
  EXPECT_DOUBLE_EQ(s.p50, 3.0);
  EXPECT_NEAR(s.p90, 4 + 0.6 * 96, 1e-9);   // rank 3.6
  EXPECT_NEAR(s.p95, 4 + 0.8 * 96, 1e-9);   // rank 3.8
  EXPECT_NEAR(s.p99, 4 + 0.96 * 96, 1e-9);  // rank 3.96
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 100);
  EXPECT_DOUBLE_EQ(s.mean, 22);
  EXPECT_DOUBLE_EQ(s.trimmed_mean, 3);
}

TEST(Statistics, StandardDeviationAndConfidenceIntervalByHand) {
  // Mean 5; squared deviations sum to 32; sample variance 32/7.
  const Summary s = summarize({2, 4, 4, 4, 5, 5, 7, 9}, 0);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 2.13809, 1e-5);
  // t(0.975, 7) = 2.364624; half width = 2.364624 * 2.13809 / sqrt(8) = 1.78748.
  EXPECT_NEAR(s.ci95_low, 5 - 1.78748, 1e-4);
  EXPECT_NEAR(s.ci95_high, 5 + 1.78748, 1e-4);
}

TEST(Statistics, StudentTMatchesPublishedQuantiles) {
  // t(0.975, df) to six decimals, as tables (and R's qt) give them.
  EXPECT_NEAR(student_t95(1), 12.706205, 1e-6);
  EXPECT_NEAR(student_t95(2), 4.302653, 1e-6);
  EXPECT_NEAR(student_t95(5), 2.570582, 1e-6);
  EXPECT_NEAR(student_t95(10), 2.228139, 1e-6);
  EXPECT_NEAR(student_t95(30), 2.042272, 1e-6);
  EXPECT_NEAR(student_t95(60), 2.000298, 1e-6);
  EXPECT_NEAR(student_t95(120), 1.979930, 1e-6);
  EXPECT_NEAR(student_t95(1000000), 1.959966, 1e-6);  // the normal's 1.959964 in the limit
  EXPECT_EQ(student_t95(0), 0);
}

TEST(Statistics, OneSampleHasNoSpread) {
  const Summary s = summarize({42}, 0.2);
  EXPECT_EQ(s.count, 1);
  EXPECT_DOUBLE_EQ(s.stddev, 0);
  EXPECT_DOUBLE_EQ(s.ci95_low, 42);
  EXPECT_DOUBLE_EQ(s.ci95_high, 42);
  EXPECT_DOUBLE_EQ(s.p99, 42);
}

}  // namespace
}  // namespace sweetspot::tuner
