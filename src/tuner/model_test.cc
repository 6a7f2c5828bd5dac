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

TEST(DurationModel, NeedsAtLeastOnePoint) { EXPECT_FALSE(DurationModel::fit({}).has_value()); }

}  // namespace
}  // namespace sweetspot::tuner
