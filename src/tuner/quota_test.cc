#include "tuner/quota.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "engine_api/lambda_limits.h"

namespace sweetspot::tuner {
namespace {

constexpr double kLambdaPeriodMs = 20;

double share(int memory_mb) { return engine_api::cpu_share(memory_mb); }

TEST(Quota, AtOneVcpuOrMoreTheWorkRunsUnthrottled) {
  EXPECT_DOUBLE_EQ(expected_quota_duration_ms(10, 1, kLambdaPeriodMs), 10);
  EXPECT_DOUBLE_EQ(expected_quota_duration_ms(250, share(3538), kLambdaPeriodMs), 250);
}

TEST(Quota, WorkWithinOnePeriodsQuotaIsNeverThrottled) {
  // 5 ms of work under 10 ms of quota: wherever the period boundary falls, the
  // next period's fresh quota covers what is left.
  EXPECT_NEAR(expected_quota_duration_ms(5, 0.5, kLambdaPeriodMs), 5, 1e-9);
}

TEST(Quota, LongWorkTendsToCpuOverShare) {
  for (int memory_mb : {128, 256, 700, 1500}) {
    const double proportional = 2000 / share(memory_mb);
    EXPECT_NEAR(expected_quota_duration_ms(2000, share(memory_mb), kLambdaPeriodMs), proportional, 0.02 * proportional)
        << memory_mb << " MB";
  }
}

TEST(Quota, TenMillisecondsOfCpuAtLambdasPeriod) {
  // Reference values from an independent integration over 100,000 phases.
  EXPECT_NEAR(expected_quota_duration_ms(10, share(256), kLambdaPeriodMs), 52.65, 0.05);
  EXPECT_NEAR(expected_quota_duration_ms(10, share(640), kLambdaPeriodMs), 15.84, 0.05);
  EXPECT_NEAR(expected_quota_duration_ms(10, share(1280), kLambdaPeriodMs), 10.0, 0.05);  // 14.5 ms of quota: unthrottled
  // c / s would be 69.1, 27.6 and 13.8 ms.
}

TEST(Quota, ReproducesSessionEightsQuantizedDurations) {
  // bench/README.md, session 8, cpu-heavy: each size's own CPU time per invoke
  // (its c / s column x share) gave the "quantized" column, to 0.1 ms.
  EXPECT_NEAR(expected_quota_duration_ms(10.144, share(256), kLambdaPeriodMs), 52.9, 0.06);
  EXPECT_NEAR(expected_quota_duration_ms(9.841, share(640), kLambdaPeriodMs), 15.6, 0.06);
  EXPECT_NEAR(expected_quota_duration_ms(9.479, share(1280), kLambdaPeriodMs), 9.5, 0.06);
}

// The closed form against the quota played out period by period, averaged over
// 4,000 start phases, for work from under one quota to many periods long.
double simulated_ms(double cpu_ms, double share, double period_ms) {
  constexpr int kPhases = 4000;
  const double quota_ms = share * period_ms;
  double sum = 0;
  for (int i = 0; i < kPhases; ++i) {
    double left_in_period = period_ms - (i + 0.5) * period_ms / kPhases;
    double quota_left = quota_ms;
    double work_left = cpu_ms;
    double wall = 0;
    while (true) {
      const double run = std::min({work_left, quota_left, left_in_period});
      wall += run;
      work_left -= run;
      if (work_left <= 1e-12) break;
      wall += left_in_period - run;  // throttled until the period ends (nothing if it just did)
      left_in_period = period_ms;
      quota_left = quota_ms;
    }
    sum += wall;
  }
  return sum / kPhases;
}

TEST(Quota, MatchesTheQuotaPlayedOutPeriodByPeriod) {
  for (double cpu_ms : {0.5, 3.0, 9.9, 10.0, 10.5, 37.0, 120.0}) {
    for (int memory_mb : {128, 200, 256, 448, 640, 700, 896, 1024, 1500}) {
      const double expected = simulated_ms(cpu_ms, share(memory_mb), kLambdaPeriodMs);
      EXPECT_NEAR(expected_quota_duration_ms(cpu_ms, share(memory_mb), kLambdaPeriodMs), expected, 0.01 + 1e-3 * expected)
          << cpu_ms << " ms at " << memory_mb << " MB";
    }
  }
}

TEST(Quota, WithoutAPeriodTheShareIsProportional) {
  EXPECT_DOUBLE_EQ(expected_quota_duration_ms(10, 0.25, 0), 40);
}

}  // namespace
}  // namespace sweetspot::tuner
