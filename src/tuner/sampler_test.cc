#include "tuner/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace sweetspot::tuner {
namespace {

using testing::Curve;
using testing::FakeBackend;

Prices us_east_1() { return PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value(); }

// A host whose reference bursts report what the test scripts, in turn.
class ScriptedHost : public HostProbe {
 public:
  explicit ScriptedHost(std::vector<double> availability) {
    for (double a : availability) values_.push_back(HostReading{a, 1});
  }
  explicit ScriptedHost(std::vector<HostReading> values) : values_(std::move(values)) {}
  HostReading read() override {
    const HostReading v = values_[next_ % values_.size()];
    ++next_;
    return v;
  }
  int calls() const { return next_; }

 private:
  std::vector<HostReading> values_;
  int next_ = 0;
};

Curve cpu_bound() {
  Curve c;
  c.serial_cpu_ms = 200;
  c.noise = 0.02;
  return c;
}

TEST(Sampler, InterleavesSizesInRoundsAndKeepsEnvironmentsWarm) {
  FakeBackend backend(cpu_bound());
  QuietHost host;
  SamplerOptions options;
  options.seed = 5;
  Sampler sampler(backend, {"{}"}, us_east_1(), options, nullptr, &host);
  for (int m : {128, 512, 1024, 1769}) sampler.want(m, 5);
  sampler.run();
  // Every size got its invokes, and only one cold start each: later batches
  // found the environment kept warm.
  for (int m : {128, 512, 1024, 1769}) {
    const SizeResult r = sampler.result(m);
    EXPECT_EQ(r.invocations, 5) << m;
    EXPECT_EQ(r.cold_duration.count, 1) << m;
    EXPECT_EQ(r.warm_duration.count, 4) << m;
  }
  // Interleaved: every size's first batch comes before any size's last, and
  // the sizes' order differs between rounds.
  const auto& batches = backend.batches();
  ASSERT_GT(batches.size(), 4u);
  std::vector<int> first_round, second_round;
  for (size_t i = 0; i < 4; ++i) first_round.push_back(batches[i].memory_mb);
  for (size_t i = 4; i < 8 && i < batches.size(); ++i) second_round.push_back(batches[i].memory_mb);
  std::vector<int> sorted = first_round;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{128, 512, 1024, 1769}));
  for (const auto& b : batches) EXPECT_TRUE(b.keep_warm);
  EXPECT_EQ(sampler.total_invocations(), 20);
}

TEST(Sampler, TheOrderIsRandomButRepeatsForTheSameSeed) {
  auto order = [](uint64_t seed) {
    FakeBackend backend(cpu_bound());
    SamplerOptions options;
    options.seed = seed;
    QuietHost host;
    Sampler sampler(backend, {"{}"}, us_east_1(), options, nullptr, &host);
    for (int m : {128, 256, 512, 1024, 1536, 3008}) sampler.want(m, 5);
    sampler.run();
    std::vector<int> sizes;
    for (const auto& b : backend.batches()) sizes.push_back(b.memory_mb);
    return sizes;
  };
  EXPECT_EQ(order(11), order(11));
  EXPECT_NE(order(11), order(12));
}

TEST(Sampler, OutOfMemoryAndTimeoutsStopASizeAtOnce) {
  Curve c = cpu_bound();
  c.working_set_mb = 300;  // 128 and 256 MB run out of memory
  c.timeout_ms = 1000;     // 200 ms x 1769 / 128 = 2.8 s: would time out too
  FakeBackend backend(c);
  QuietHost host;
  Sampler sampler(backend, {"{}"}, us_east_1(), SamplerOptions{}, nullptr, &host);
  for (int m : {128, 256, 1024}) sampler.want(m, 10);
  sampler.run();
  EXPECT_EQ(sampler.invocations(128), 1);
  EXPECT_EQ(sampler.invocations(256), 1);
  EXPECT_EQ(sampler.invocations(1024), 10);
  const SizeResult r = sampler.result(256);
  EXPECT_FALSE(r.feasible);
  EXPECT_FALSE(r.stopped_early.empty());
}

// 9 invokes of 128 MB and of 1,769 MB on a CPU-bound curve, with this host.
struct SmallAndLarge {
  SizeResult small, large;
  HostReport report;
};
SmallAndLarge measure_small_and_large(HostProbe& host) {
  FakeBackend backend(cpu_bound());
  SamplerOptions options;
  options.seed = 3;
  Sampler sampler(backend, {"{}"}, us_east_1(), options, nullptr, &host);
  sampler.want(128, 9);
  sampler.want(1769, 9);
  sampler.run();
  return {sampler.result(128), sampler.result(1769), sampler.host()};
}

TEST(Sampler, InvokesABusyHostSlowedAreLeftOutWhereTheSizeNeedsTheCpu) {
  // Every third burst finds the host busy (a thread got 30% of a CPU).
  ScriptedHost host(std::vector<double>{1.0, 1.0, 0.3});
  const auto [small, large, report] = measure_small_and_large(host);
  EXPECT_GT(host.calls(), 5);
  // 128 MB needs 7% of a CPU: a thread getting 30% does not slow it.
  EXPECT_EQ(small.disturbed, 0);
  EXPECT_GT(large.disturbed, 0);
  EXPECT_TRUE(large.trusted);  // enough undisturbed samples remained
  EXPECT_LT(large.warm_duration.count + large.cold_duration.count, large.successes);
  EXPECT_FALSE(report.too_noisy);
  EXPECT_GT(report.disturbed_invocations, 0);
  EXPECT_NE(report.verdict.find("left out"), std::string::npos) << report.verdict;
}

TEST(Sampler, AHostBusyThroughoutIsCalledTooNoisyToTrust) {
  FakeBackend backend(cpu_bound());
  ScriptedHost host(std::vector<double>{0.4});
  Sampler sampler(backend, {"{}"}, us_east_1(), SamplerOptions{}, nullptr, &host);
  sampler.want(1769, 4);
  sampler.run();
  EXPECT_FALSE(sampler.result(1769).trusted);
  const HostReport report = sampler.host();
  EXPECT_TRUE(report.too_noisy);
  EXPECT_NE(report.verdict.find("too busy to trust 1,769 MB"), std::string::npos) << report.verdict;
}

// A CPU the hypervisor slows does less work per CPU millisecond at every size:
// unlike a busy host, it disturbs 128 MB as much as one vCPU.
TEST(Sampler, InvokesWhileACpuRanSlowAreLeftOutAtEverySize) {
  ScriptedHost host(std::vector<HostReading>{{1.0, 1.0}, {1.0, 1.0}, {1.0, 0.5}});
  const auto [small, large, report] = measure_small_and_large(host);
  EXPECT_GT(small.disturbed, 0);
  EXPECT_GT(large.disturbed, 0);
  EXPECT_DOUBLE_EQ(report.min_speed, 0.5);
  EXPECT_NE(report.verdict.find("as little as 50% of the work per CPU second"), std::string::npos) << report.verdict;
}

TEST(Sampler, ParallelRunsNoMoreEnvironmentsAtOnceThanTheHostHolds) {
  Curve c = cpu_bound();
  c.host_cores = 2;
  FakeBackend backend(c);
  QuietHost host;
  SamplerOptions options;
  options.parallel = true;
  std::vector<std::string> payloads(10, "{}");
  Sampler sampler(backend, payloads, us_east_1(), options, nullptr, &host);
  sampler.want(128, 10);   // 0.07 vCPU: all ten fit on two cores
  sampler.want(1769, 10);  // one vCPU each: two at once
  sampler.run();
  int most_small = 0, most_large = 0;
  for (const auto& b : backend.batches()) {
    (b.memory_mb == 128 ? most_small : most_large) = std::max(b.memory_mb == 128 ? most_small : most_large, b.concurrency);
  }
  EXPECT_EQ(most_large, 2);
  EXPECT_GT(most_small, 2);
  EXPECT_EQ(sampler.invocations(1769), 10);
  EXPECT_EQ(sampler.host().parallel_limited.at(1769), 2);
  EXPECT_EQ(contention_free_concurrency(backend, 3538, 10), 1);
}

}  // namespace
}  // namespace sweetspot::tuner
