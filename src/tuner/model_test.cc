#include "tuner/model.h"

#include <gtest/gtest.h>

#include "engine_api/lambda_limits.h"
#include "tuner/testing/fake_backend.h"

namespace sweetspot::tuner {
namespace {

using testing::Curve;

// Exact (noise-free) measurements of a curve at these sizes.
std::vector<ModelPoint> measure(const Curve& c, std::vector<int> sizes, int host_cores = 6) {
  std::vector<ModelPoint> points;
  for (int m : sizes) {
    ModelPoint p;
    p.memory_mb = m;
    p.cpus = std::min(engine_api::cpu_share(m), static_cast<double>(host_cores));
    p.cores = std::min(engine_api::visible_cores(m), host_cores);
    const double share = p.cpus;
    p.duration_ms = c.wait_ms + c.serial_cpu_ms / std::min(share, 1.0) + c.parallel_cpu_ms / std::min(share, double(p.cores));
    p.cpu_ms = c.serial_cpu_ms + c.parallel_cpu_ms;
    p.latency_ms = p.duration_ms * 1.2;
    points.push_back(p);
  }
  return points;
}

TEST(Pchip, InterpolatesWithoutOvershoot) {
  const std::vector<double> x = {0, 1, 2, 3};
  const std::vector<double> y = {0, 1, 1, 2};
  EXPECT_DOUBLE_EQ(pchip(x, y, 1.5), 1.0);  // flat data stays flat
  EXPECT_DOUBLE_EQ(pchip(x, y, 2), 1.0);
  EXPECT_DOUBLE_EQ(pchip(x, y, -5), 0.0);  // constant beyond the ends
  EXPECT_DOUBLE_EQ(pchip(x, y, 9), 2.0);
  const double mid = pchip(x, y, 0.5);
  EXPECT_GT(mid, 0.0);
  EXPECT_LT(mid, 1.0);
}

TEST(Pchip, FewerThanFourPointsUseTheSameSlopes) {
  EXPECT_DOUBLE_EQ(pchip({0, 2}, {1, 3}, 0.5), 1.5);  // two points: the line
  // Three: end slopes 1 and 2, inside (3 + 3) / (3 / 1 + 3 / 2) = 4/3; the cubic
  // Hermite at t = 0.5 is 0.125 * 1 + 0.5 * 1 - 0.125 * 4/3 = 0.458333.
  EXPECT_NEAR(pchip({0, 1, 2}, {0, 1, 3}, 0.5), 0.458333, 1e-6);
  EXPECT_NEAR(pchip({0, 1, 2}, {0, 1, 3}, 1.0), 1.0, 1e-12);
}

TEST(DurationModel, SingleThreadedCpuWorkStopsGettingFasterAtOneVcpu) {
  Curve c;
  c.serial_cpu_ms = 1000;
  auto model = DurationModel::fit(measure(c, {128, 512, 1769, 3538, 10240}));
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_TRUE(model->parallelism_measured());
  EXPECT_GE(model->serial_fraction(), 0.95);
  EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound);
  // Between measured sizes the share formula predicts: 1000 ms x 1769 / 1024.
  EXPECT_NEAR(model->duration_ms(1024), 1000.0 * 1769 / 1024, 1.0);
  EXPECT_NEAR(model->duration_ms(6000), 1000.0, 1.0);
  EXPECT_NEAR(model->latency_ms(1024), 1.2 * 1000.0 * 1769 / 1024, 2.0);
  EXPECT_NEAR(model->useful_cpus(), 1.0, 0.05);
}

TEST(DurationModel, ParallelWorkKeepsScalingAndHostCappedSizesPredictLambda) {
  Curve c;
  c.parallel_cpu_ms = 6000;
  // This host has two cores: 3,538 and 10,240 MB ran with 2 vCPUs.
  auto model = DurationModel::fit(measure(c, {128, 512, 1769, 3538, 10240}, /*host_cores=*/2));
  ASSERT_TRUE(model.has_value());
  EXPECT_LE(model->serial_fraction(), 0.05);
  // On Lambda 7,076 MB has 4 vCPUs: 6000 / 4 = 1500 ms, though no size here ran with 4.
  EXPECT_NEAR(model->duration_ms(7076), 1500, 30);
  EXPECT_GT(model->useful_cpus(), 5.0);
}

TEST(DurationModel, WaitingMakesItIoBound) {
  Curve c;
  c.wait_ms = 200;
  c.serial_cpu_ms = 10;
  auto model = DurationModel::fit(measure(c, {128, 1024, 1769, 3538}));
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->kind(), WorkloadKind::kIoBound);
  EXPECT_NEAR(model->wait_ms(2000), 200, 1);
  EXPECT_NE(model->describe().find("I/O-bound"), std::string::npos);
}

TEST(DurationModel, WithoutASizeAboveOneVcpuItAssumesSerialAndSaysSo) {
  Curve c;
  c.serial_cpu_ms = 100;
  auto model = DurationModel::fit(measure(c, {128, 256}));
  ASSERT_TRUE(model.has_value());
  EXPECT_FALSE(model->parallelism_measured());
  EXPECT_DOUBLE_EQ(model->serial_fraction(), 1.0);
  EXPECT_NE(model->describe().find("assumed single-threaded"), std::string::npos);
}

TEST(DurationModel, PassesThroughMeasurementsWhoseCpuTimeExceedsTheShare) {
  // Helper processes beside the function: 145 ms of CPU in 137 ms at one vCPU.
  std::vector<ModelPoint> points = {{512, 480, 140, 500, 512 / 1769.0, 2}, {1769, 137, 145, 140, 1.0, 2}};
  auto model = DurationModel::fit(points);
  ASSERT_TRUE(model.has_value());
  EXPECT_NEAR(model->duration_ms(1769), 137, 1e-6);
  EXPECT_NEAR(model->duration_ms(512), 480, 1e-6);
  EXPECT_LE(model->cpu_fraction(), 1.0);
  EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound);
}

// Background CPU beside the wait: a runtime's own threads (garbage collector,
// JIT compiler) burn CPU while the function waits, more the more CPU the size
// gives them, without making any invoke longer.
std::vector<ModelPoint> with_background_cpu(std::vector<ModelPoint> points, double at_one_vcpu_ms) {
  for (auto& p : points) p.cpu_ms += at_one_vcpu_ms * std::min(p.cpus, 1.0);
  return points;
}

const Curve kWaitsOnAService{.wait_ms = 210, .serial_cpu_ms = 9};

TEST(DurationModel, CpuTimeSpentBesideAWaitIsNotWork) {
  // --memory auto's first sizes; three small ones only; 128 and 3,538 MB alone
  // (a size above one vCPU counts as one).
  for (const auto& sizes :
       {std::vector<int>{128, 1769, 3538}, std::vector<int>{128, 256, 512}, std::vector<int>{128, 3538}}) {
    auto model = DurationModel::fit(with_background_cpu(measure(kWaitsOnAService, sizes), 100));
    ASSERT_TRUE(model.has_value());
    EXPECT_TRUE(model->judged_by_durations());
    EXPECT_GT(model->cpu_time_fraction(), 0.2) << "CPU time alone calls it more than I/O-bound";
    EXPECT_EQ(model->kind(), WorkloadKind::kIoBound) << model->describe();
    // At least the 9 ms of work, and no more than the throttling allowance adds.
    EXPECT_GE(model->cpu_fraction(), 9.0 / 219);
    EXPECT_LT(model->cpu_fraction(), 0.1);
    EXPECT_NE(model->describe().find("critical path"), std::string::npos) << model->describe();
    // The predictions still pass through every measurement.
    for (const auto& p : model->points()) EXPECT_NEAR(model->duration_ms(p.memory_mb), p.duration_ms, 1e-6);
  }
}

TEST(DurationModel, CpuBoundDurationsKeepItCpuBound) {
  Curve c;
  c.wait_ms = 20;
  c.serial_cpu_ms = 500;
  auto model = DurationModel::fit(measure(c, {128, 1769, 3538}));
  ASSERT_TRUE(model.has_value());
  EXPECT_TRUE(model->judged_by_durations());
  EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound) << model->describe();
  EXPECT_NEAR(model->cpu_fraction(), 500.0 / 520, 0.01);
  // A short invoke at a small share ends up to a quota period sooner than its
  // work / share (its last throttling pause is not waited out): still CPU work.
  Curve short_one;
  short_one.serial_cpu_ms = 10;
  auto throttled = measure(short_one, {128, 256, 512, 1769});
  for (auto& p : throttled) p.duration_ms -= 20 * (1 - std::min(p.cpus, 1.0));
  model = DurationModel::fit(throttled);
  ASSERT_TRUE(model.has_value());
  EXPECT_TRUE(model->judged_by_durations());
  EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound) << model->describe();
  EXPECT_EQ(model->describe().find("critical path"), std::string::npos) << model->describe();
  // Extra work where memory is tight (garbage collection) steepens the small
  // sizes' durations: the CPU time caps what they say.
  auto points = measure(c, {128, 512, 1769});
  points[0].cpu_ms += 300;
  points[0].duration_ms += 300 / points[0].cpus;
  model = DurationModel::fit(points);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound);
  EXPECT_LE(model->cpu_fraction(), model->cpu_time_fraction());
}

// An invoke of `work_ms` at `share` under a CFS quota over `period_ms`, started
// with a full quota: whole periods (run, then throttled), then the rest.
double throttled_ms(double work_ms, double share, double period_ms) {
  if (share >= 1) return work_ms;
  const double quota_ms = share * period_ms;
  const double whole_periods = std::ceil(work_ms / quota_ms) - 1;
  return whole_periods * period_ms + (work_ms - whole_periods * quota_ms);
}

TEST(DurationModel, TheThrottlingAllowanceIsTwoOfThePeriodTheSizesRanUnder) {
  // 10 ms of CPU work: with a 100 ms period (--cpu-period 100) 256 MB and up
  // finish within their first quota and 128 MB pauses once, so the durations
  // hardly respond to the share (102.8, 10, 10, 10 ms); a 40 ms allowance (two
  // of Lambda's periods) would call it mixed.
  for (double period_ms : {20.0, 100.0}) {
    std::vector<ModelPoint> points;
    for (int m : {128, 256, 512, 1769}) {
      ModelPoint p;
      p.memory_mb = m;
      p.cpus = engine_api::cpu_share(m);
      p.cores = engine_api::visible_cores(m);
      p.cpu_ms = 10;
      p.duration_ms = throttled_ms(10, p.cpus, period_ms);
      p.cpu_period_ms = period_ms;
      points.push_back(p);
    }
    if (period_ms == 100) {
      ASSERT_NEAR(points[1].duration_ms, 10, 1e-9);
    }
    auto model = DurationModel::fit(points);
    ASSERT_TRUE(model.has_value());
    EXPECT_TRUE(model->judged_by_durations());
    EXPECT_EQ(model->kind(), WorkloadKind::kCpuBound) << period_ms << " ms: " << model->describe();
  }
}

TEST(DurationModel, TooFewOrTooCloseSharesFallBackToCpuTime) {
  for (const auto& sizes : {std::vector<int>{1536, 1769, 3538},    // shares 0.87 and 1: too close
                            std::vector<int>{1769, 3538, 10240},   // all at one vCPU or more: one share
                            std::vector<int>{512}}) {
    auto model = DurationModel::fit(with_background_cpu(measure(kWaitsOnAService, sizes), 100));
    ASSERT_TRUE(model.has_value());
    EXPECT_FALSE(model->judged_by_durations()) << sizes.front();
    EXPECT_DOUBLE_EQ(model->cpu_fraction(), model->cpu_time_fraction());
    EXPECT_EQ(model->kind(), WorkloadKind::kMixed) << sizes.front() << ": " << model->describe();
  }
}

TEST(DurationModel, NeedsAtLeastOnePoint) { EXPECT_FALSE(DurationModel::fit({}).has_value()); }

}  // namespace
}  // namespace sweetspot::tuner
