#include "tuner/tuner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tuner/testing/fake_backend.h"

namespace sweetspot::tuner {
namespace {

using testing::Curve;
using testing::FakeBackend;

Prices us_east_1() { return PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value(); }

class CountingObserver : public TuneObserver {
 public:
  void on_start(int planned) override { this->planned = planned; }
  void on_invocation(const engine_api::Invocation&) override { ++invocations; }
  void on_size_done(const SizeResult& r) override { sizes.push_back(r.memory_mb); }
  int planned = 0;
  int invocations = 0;
  std::vector<int> sizes;
};

Curve io_bound() {
  Curve c;
  c.name = "io";
  c.wait_ms = 100;
  c.serial_cpu_ms = 5;
  return c;
}

TEST(Tuner, MeasuresEveryListedSizeAndRecommendsTheCheapest) {
  FakeBackend backend(io_bound());
  CountingObserver observer;
  Plan plan;  // Power Tuning's default sizes, 10 invokes each
  auto result = tune(backend, plan, us_east_1(), &observer);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->sizes.size(), 6u);
  EXPECT_EQ(observer.planned, 60);
  EXPECT_EQ(observer.invocations, 60);
  EXPECT_EQ(observer.sizes, (std::vector<int>{128, 256, 512, 1024, 1536, 3008}));
  EXPECT_EQ(result->invocations, 60);
  // Mostly waiting: 128 MB is the cheapest (waiting costs per GB-second too).
  ASSERT_NE(result->recommended(), nullptr);
  EXPECT_EQ(result->recommended()->memory_mb, 128);
  ASSERT_TRUE(result->model.has_value());
  EXPECT_EQ(result->model->kind(), WorkloadKind::kIoBound);
  double spent = 0;
  for (const auto& s : result->sizes) spent += s.spent;
  EXPECT_DOUBLE_EQ(result->lambda_cost, spent);
}

// Cost is flat below one vCPU for CPU-bound work, so the cheapest measured size
// is noise; with the tie rule ten runs with different noise agree: the same
// size, or sizes within 2% of each other's real cost (the issue's criterion).
TEST(Tuner, TheSameAnswerTwiceOnAFlatCostCurve) {
  Curve c;
  c.serial_cpu_ms = 300;
  c.noise = 0.05;
  std::vector<int> picks;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    FakeBackend backend(c, seed);
    Plan plan;
    plan.seed = seed;
    auto result = tune(backend, plan, us_east_1(), nullptr);
    ASSERT_TRUE(result.has_value());
    ASSERT_NE(result->recommended(), nullptr);
    picks.push_back(result->recommended()->memory_mb);
  }
  auto real_cost = [&](int m) {
    return invocation_cost(us_east_1(), m, std::ceil(testing::true_duration_ms(c, m))).total();
  };
  int most = picks.front(), most_count = 0;
  for (int p : picks) {
    const auto n = std::count(picks.begin(), picks.end(), p);
    if (n > most_count) most = p, most_count = static_cast<int>(n);
  }
  int agree = 0;
  for (int p : picks) agree += std::abs(real_cost(p) / real_cost(most) - 1) <= 0.02 ? 1 : 0;
  EXPECT_GE(agree, 9) << ::testing::PrintToString(picks);
}

TEST(Tuner, HandComputedCostOfANoiseFreeCpuBoundSize) {
  Curve c;
  c.serial_cpu_ms = 1769;  // exactly 1 s at one vCPU, 2 s at 884.5 MB
  FakeBackend backend(c);
  Plan plan;
  plan.memory_sizes = {1769, 3538};
  plan.num = 5;
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  const SizeResult& one_vcpu = result->sizes[0];
  EXPECT_DOUBLE_EQ(one_vcpu.typical_duration_ms, 1769);
  // 1,769 MB = 1.7275 GB for 1.769 s, plus the request.
  EXPECT_NEAR(one_vcpu.cost.total(), 1769.0 / 1024 * 1.769 * 0.0000166667 + 0.0000002, 1e-12);
  // Single-threaded: twice the memory is no faster, so 1,769 MB is cheapest and
  // also as fast as the larger size.
  EXPECT_EQ(result->recommended()->memory_mb, 1769);
}

TEST(Tuner, FailingInvokesAndUnrunnableSizesNeverAbortTheRun) {
  Curve c = io_bound();
  c.working_set_mb = 200;  // 128 MB runs out of memory
  FakeBackend backend(c);
  backend.refuse = {1024};
  Plan plan;
  plan.payloads = {WeightedPayload{R"({"fail": true})", 1}, WeightedPayload{"{}", 4}};
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->sizes.size(), 6u);
  EXPECT_FALSE(result->sizes[0].feasible);
  EXPECT_NE(result->sizes[0].infeasible_reason.find("out of memory"), std::string::npos);
  EXPECT_FALSE(result->sizes[3].feasible);
  EXPECT_NE(result->sizes[3].infeasible_reason.find("could not run"), std::string::npos);
  // Weighted payloads: 2 of 10 invokes fail with a function error at every size.
  EXPECT_EQ(result->sizes[1].errors.at("Error"), 2);
  EXPECT_TRUE(result->sizes[1].feasible);
  EXPECT_EQ(result->recommended()->memory_mb, 256);
}

TEST(Tuner, UnreachableLatencyLimitNamesTheClosestSize) {
  Curve c;
  c.serial_cpu_ms = 500;
  FakeBackend backend(c);
  Plan plan;
  plan.num = 5;
  plan.strategy.limit = LatencyLimit{100, 95};  // one vCPU still takes 500 ms
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->recommended(), nullptr);
  ASSERT_NE(result->closest(), nullptr);
  EXPECT_FALSE(result->choice.limit_met);
}

TEST(Tuner, HostCappedSizesAreLabelled) {
  Curve c;
  c.parallel_cpu_ms = 1000;
  c.host_cores = 2;
  FakeBackend backend(c);
  Plan plan;
  plan.memory_sizes = {1769, 7076};
  plan.num = 3;
  plan.strategy.kind = StrategyKind::kSpeed;
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->sizes[0].support.cpu_capped_by_host());
  EXPECT_TRUE(result->sizes[1].support.cpu_capped_by_host());
}

TEST(Tuner, ColdStartsAndParallelReachTheBackend) {
  Curve c = io_bound();
  c.init_ms = 200;
  FakeBackend backend(c);
  Plan plan;
  plan.memory_sizes = {512};
  plan.num = 4;
  plan.start = engine_api::StartPolicy::kColdEveryTime;
  plan.parallel = true;
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(backend.batches().size(), 1u);
  EXPECT_EQ(backend.batches()[0].start, engine_api::StartPolicy::kColdEveryTime);
  EXPECT_EQ(backend.batches()[0].concurrency, 4);
  EXPECT_EQ(result->sizes[0].cold_duration.count, 4);
  EXPECT_EQ(result->sizes[0].warm_duration.count, 0);
  EXPECT_GT(result->sizes[0].init_duration.mean, 0);
}

TEST(Tuner, InvalidPlansAreRejectedBeforeAnythingRuns) {
  FakeBackend backend(io_bound());
  Plan plan;
  plan.memory_sizes = {64};
  auto bad_size = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_FALSE(bad_size.has_value());
  EXPECT_NE(bad_size.error().message.find("64 MB"), std::string::npos);
  plan = Plan{};
  plan.strategy.weight = 2;
  EXPECT_FALSE(tune(backend, plan, us_east_1(), nullptr).has_value());
  plan = Plan{};
  plan.num = 0;
  EXPECT_FALSE(tune(backend, plan, us_east_1(), nullptr).has_value());
  EXPECT_TRUE(backend.batches().empty());
}

}  // namespace
}  // namespace sweetspot::tuner
