#include "tuner/testing/fake_backend.h"

#include <gtest/gtest.h>

namespace sweetspot::tuner::testing {
namespace {

// A short single-threaded CPU-bound function, like the cpu-heavy example.
Curve ten_ms_of_cpu(double quota_period_ms) {
  Curve c;
  c.name = "ten-ms-cpu";
  c.serial_cpu_ms = 10;
  c.quota_period_ms = quota_period_ms;
  return c;
}

// A warm invoke's (memory MB x duration ms): what Lambda bills, before rounding.
double warm_cost(FakeBackend& backend, int memory_mb) {
  engine_api::Batch batch;
  batch.memory_mb = memory_mb;
  batch.payloads = {"{}", "{}"};  // the first is the environment's cold start
  auto invocations = backend.run(batch, nullptr);
  EXPECT_TRUE(invocations.has_value());
  const engine_api::Invocation& warm = invocations->back();
  EXPECT_EQ(warm.start, engine_api::StartKind::kWarm);
  EXPECT_NEAR(warm.cpu_time_ms, 10, 1e-9);  // throttling costs wall time, not CPU time
  return memory_mb * warm.duration_ms;
}

TEST(FakeBackend, QuotaPeriodsMakeShortCpuWorkCheapestBelowOneVcpu) {
  FakeBackend backend(ten_ms_of_cpu(20));
  const double at_256 = warm_cost(backend, 256);
  const double at_700 = warm_cost(backend, 700);
  const double at_1280 = warm_cost(backend, 1280);
  // 700 MB has 7.9 ms of quota per 20 ms: often the invoke ends before the
  // period does. 256 MB is throttled for whole periods; 1,280 MB pays for
  // quota it does not need.
  EXPECT_LT(at_700, 0.9 * at_256);
  EXPECT_LT(at_700, 0.9 * at_1280);
  EXPECT_NEAR(at_700 / 700, true_duration_ms(ten_ms_of_cpu(20), 700), 0.01);  // the bench's truth agrees
}

TEST(FakeBackend, WithoutQuotaPeriodsCpuCostIsFlatBelowOneVcpu) {
  FakeBackend backend(ten_ms_of_cpu(0));
  const double at_256 = warm_cost(backend, 256);
  // c / share: memory x duration = 10 ms x 1,769 MB at every size below one vCPU.
  EXPECT_NEAR(at_256, 17690, 17690 * 1e-3);
  EXPECT_NEAR(warm_cost(backend, 700), at_256, at_256 * 1e-3);
  EXPECT_NEAR(warm_cost(backend, 1280), at_256, at_256 * 1e-3);
}

}  // namespace
}  // namespace sweetspot::tuner::testing
