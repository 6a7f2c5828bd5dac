#include "report/explain.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine_api/lambda_limits.h"
#include "report/json_result.h"
#include "report/text_format.h"
#include "tuner/environment_speed.h"
#include "tuner/smoothing.h"
#include "tuner/testing/fake_backend.h"

namespace sweetspot::report {
namespace {

using tuner::testing::Curve;
using tuner::testing::FakeBackend;

tuner::Prices us_east_1() {
  return tuner::PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value();
}

tuner::TuneResult tune_and_explain(FakeBackend& backend, const tuner::Plan& plan) {
  tuner::TuneResult r = tuner::tune(backend, plan, us_east_1(), nullptr).value();
  explain(r);
  return r;
}

// `--memory auto` on a standard curve, `seed` for the backend and the order of sizes.
tuner::TuneResult explain_auto(std::string_view curve, uint64_t seed) {
  FakeBackend backend(tuner::testing::standard_curve(curve), seed);
  tuner::Plan plan;
  plan.selection = tuner::SizeSelection::kAuto;
  plan.seed = seed;
  return tune_and_explain(backend, plan);
}

Curve io_bound() {
  Curve c;
  c.wait_ms = 100;
  c.serial_cpu_ms = 5;
  return c;
}

bool any_has(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Explain, NamesTheCheapestSizeOfAWaitingFunction) {
  FakeBackend backend(io_bound());
  const auto r = tune_and_explain(backend, tuner::Plan{});
  ASSERT_NE(r.recommended(), nullptr);
  EXPECT_NE(r.headline.find("128 MB: the cheapest size"), std::string::npos) << r.headline;
}

TEST(Explain, SizesWhoseCostIsWithinNoiseAreNamedWithTheFastest) {
  Curve c;
  c.serial_cpu_ms = 400;  // cost is flat below one vCPU, so noise decides the cheapest
  c.noise = 0.03;
  c.init_ms = 1500;  // each size's one cold start must not widen its interval
  FakeBackend backend(c, /*seed=*/3);
  const auto r = tune_and_explain(backend, tuner::Plan{});
  ASSERT_NE(r.recommended(), nullptr);
  std::string line;
  for (const auto& l : r.reasoning) {
    if (l.find("within measurement noise") != std::string::npos) line = l;
  }
  ASSERT_FALSE(line.empty()) << r.headline;
  EXPECT_NE(line.find("equal cost buys speed for free"), std::string::npos) << line;
  EXPECT_EQ(line.find("3,008 MB"), std::string::npos) << line;  // twice the cost: clearly not the same
}

TEST(Explain, UnusableSizesAreGivenWithTheirReason) {
  Curve c = io_bound();
  c.working_set_mb = 200;  // 128 MB runs out of memory
  FakeBackend backend(c);
  const auto r = tune_and_explain(backend, tuner::Plan{});
  EXPECT_TRUE(any_has(r.reasoning, "128 MB is not usable")) << ::testing::PrintToString(r.reasoning);
}

TEST(Explain, UnreachableLatencyLimitNamesTheClosestSize) {
  Curve c;
  c.serial_cpu_ms = 500;
  FakeBackend backend(c);
  tuner::Plan plan;
  plan.num = 5;
  plan.strategy.limit = tuner::LatencyLimit{100, 95};  // one vCPU still takes 500 ms
  const auto r = tune_and_explain(backend, plan);
  EXPECT_NE(r.headline.find("No size meets p95 <= 100 ms"), std::string::npos) << r.headline;
}

TEST(Explain, HostCappedSizesAreLabelled) {
  Curve c;
  c.parallel_cpu_ms = 1000;
  c.host_cores = 2;
  FakeBackend backend(c);
  tuner::Plan plan;
  plan.memory_sizes = {1769, 7076};
  plan.num = 3;
  plan.strategy.kind = tuner::StrategyKind::kSpeed;
  const auto r = tune_and_explain(backend, plan);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("7,076 MB"), std::string::npos);
  EXPECT_NE(r.warnings[0].find("host"), std::string::npos);
}

TEST(Explain, KeepsWhatTheTunerAddedAroundItsOwnWords) {
  tuner::TuneResult r;  // nothing measured
  r.reasoning = {"the tuner's sentence"};
  r.warnings = {"a backend note"};
  explain(r);
  EXPECT_EQ(r.headline, "No size worked: every measured size failed (reasons below)");
  ASSERT_FALSE(r.reasoning.empty());
  EXPECT_EQ(r.reasoning.back(), "the tuner's sentence");
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings.front(), "a backend note");
}

// A pick below a fifth of a vCPU is compared as measured, in the one
// environment it ran in: where environments of different speeds (the env-speed
// curve) leave rivals within what that can move, the reasoning says another run
// may recommend one of them, and names them; a pick compared at the level of
// the larger sizes' CPU times never gets the sentence.
TEST(Explain, SaysWhenAThrottledPickRestsOnItsOneEnvironment) {
  const std::string sentence = "compared as measured, in the one environment it ran in";
  int said = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const auto r = explain_auto("env-speed", seed);
    ASSERT_NE(r.recommended(), nullptr);
    const std::vector<int> rivals = tuner::rivals_within_environment_reach(r.sizes, *r.recommended());
    EXPECT_EQ(any_has(r.reasoning, sentence), !rivals.empty()) << "seed " << seed;
    if (engine_api::cpu_share(r.recommended()->memory_mb) >= tuner::kThrottledShare) {
      EXPECT_TRUE(rivals.empty()) << "seed " << seed;
    } else if (!rivals.empty()) {
      ++said;
      EXPECT_TRUE(any_has(r.reasoning, "another run may recommend")) << "seed " << seed;
    }
  }
  EXPECT_GT(said, 0);
}

// Where the sizes were compared through the fit's second form (waits that pass
// while the quota holds the function back), the reasoning says so, with the
// wait and the factor, and the JSON names the form: a reader can see why the
// sizes below one vCPU were not charged the wait.
TEST(Explain, SaysWhenWaitsPassWhileTheQuotaHoldsTheFunctionBack) {
  int hidden = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const auto r = explain_auto("hidden-waits", seed);
    if (!r.sizes_fit || r.sizes_fit->form != tuner::SizesFit::Form::kWaitHidden) continue;
    ++hidden;
    EXPECT_TRUE(any_has(r.reasoning, "its waits passing while the quota holds it back")) << "seed " << seed;
    EXPECT_TRUE(any_has(r.reasoning, fmt::format("one wait of {:.1f} ms", r.sizes_fit->wait_ms))) << "seed " << seed;
    const nlohmann::json fit = to_json(r)["sweetspot"]["search"]["comparedByFit"];
    EXPECT_EQ(fit["form"], "waitHiddenBelowOneVcpu");
    EXPECT_DOUBLE_EQ(fit["throttledFactor"].get<double>(), r.sizes_fit->throttled_factor);
  }
  EXPECT_GE(hidden, 3);
}

TEST(Explain, MoneyInFixedNotationPeopleCanCompare) {
  EXPECT_EQ(format_usd(0.0000166667, 6), "$0.0000166667");
  EXPECT_EQ(format_usd(0.00009342), "$0.0000934");
  EXPECT_EQ(format_usd(2.5), "$2.50");
  EXPECT_EQ(format_usd(0), "$0");
}

}  // namespace
}  // namespace sweetspot::report
