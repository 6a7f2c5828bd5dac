#include "report/compare.h"

#include <gtest/gtest.h>

#include "report/testing/sample_results.h"

namespace sweetspot::report {
namespace {

using nlohmann::json;
using testing::noisy_cpu_curve;
using testing::plan_of;
using testing::reread;
using testing::tune_fake;

ResultReport run(std::string payload, std::string origin, std::string function = "my-fn") {
  return reread(tune_fake(plan_of({512, 1024, 2048}, 10, std::move(payload)), noisy_cpu_curve(), std::move(function)),
                std::move(origin));
}

TEST(Compare, ASlowerFunctionIsBeyondNoiseAndFailsTheGate) {
  const ResultReport old_result = run("{}", "old.json");
  const ResultReport new_result = run(R"({"scale": 1.6})", "new.json");
  CompareOptions options;
  options.max_duration_increase = 10;
  options.max_cost_increase = 10;
  const Comparison c = compare(old_result, new_result, options).value();
  EXPECT_EQ(c.function, "my-fn");
  ASSERT_EQ(c.sizes.size(), 3u);
  for (const auto& size : c.sizes) {
    ASSERT_FALSE(size.changes.empty());
    for (const auto& change : size.changes) {
      if (change.metric == "cost") continue;  // billing steps may hide part of it
      EXPECT_EQ(change.verdict, Noise::kBeyond) << size.memory_mb << " " << change.metric;
      EXPECT_GT(change.change(), 0.3) << size.memory_mb << " " << change.metric;
    }
  }
  EXPECT_EQ(c.gate_size, old_result.recommended_mb);
  ASSERT_EQ(c.checks.size(), 2u);
  EXPECT_EQ(c.checks[0].what, "p95 duration");
  EXPECT_TRUE(c.checks[0].exceeded());
  EXPECT_TRUE(c.failed());
  const std::string text = render_comparison_text(c);
  EXPECT_NE(text.find("FAILED"), std::string::npos) << text;
  EXPECT_NE(render_comparison_markdown(c).find("Threshold exceeded"), std::string::npos);
  EXPECT_NE(render_comparison_html(c).find("Threshold exceeded"), std::string::npos);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The page draws the old and the new run: one point per size measured by both, on
// a duration chart (the gate's basis) and a cost chart, the slower run higher.
TEST(Compare, HtmlChartsTheOldAndTheNewRun) {
  const Comparison c = compare(run("{}", "old.json"), run(R"({"scale": 1.6})", "new.json"), {}).value();
  const std::string html = render_comparison_html(c);
  ASSERT_NE(html.find("id=\"compare-duration\""), std::string::npos);
  ASSERT_NE(html.find("id=\"compare-cost\""), std::string::npos);
  EXPECT_EQ(count_of(html, "data-series=\"before\""), 6u);  // the old run: 3 sizes on each chart
  EXPECT_EQ(count_of(html, "data-series=\"p50\""), 3u);    // the new run's p95
  EXPECT_EQ(count_of(html, "data-series=\"cost\""), 3u);
  EXPECT_NE(html.find("new p95: 1,024 MB"), std::string::npos);
  // The chart's y grows downwards: the new, slower run's 1024 MB point sits above the old one.
  const auto cy = [&](const std::string& series) {
    const size_t g = html.find("data-series=\"" + series + "\" data-memory=\"1024\"");
    const size_t at = html.find("cy=\"", g) + 4;
    return std::stod(html.substr(at, html.find('"', at) - at));
  };
  EXPECT_LT(cy("p50"), cy("before"));
}

TEST(Compare, TheSameFunctionTwiceStaysWithinNoiseAndPasses) {
  const ResultReport a = run("{}", "a.json");
  // Another run of the same function: different noise (seed), same work.
  const ResultReport b = reread(tune_fake(plan_of({512, 1024, 2048}, 10), noisy_cpu_curve(), "my-fn", 7), "b.json");
  CompareOptions options;
  options.max_duration_increase = 50;
  const Comparison c = compare(a, b, options).value();
  bool any_nonzero = false;
  for (const auto& size : c.sizes) {
    for (const auto& change : size.changes) {
      any_nonzero |= change.change() != 0;
      if (change.metric == "avg") {
        EXPECT_EQ(change.verdict, Noise::kWithin) << size.memory_mb;
      }
    }
  }
  EXPECT_TRUE(any_nonzero);
  EXPECT_FALSE(c.failed());
  EXPECT_FALSE(c.recommendation_moved());
  EXPECT_NE(render_comparison_text(c).find("passed"), std::string::npos);
}

TEST(Compare, RefusesDifferentFunctionsAndDisjointSizes) {
  const ResultReport a = run("{}", "a.json", "one");
  const ResultReport b = run("{}", "b.json", "two");
  auto refused = compare(a, b, {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("\"one\""), std::string::npos) << refused.error().message;
  const ResultReport mine = run("{}", "mine.json");
  const ResultReport other = reread(tune_fake(plan_of({3008}, 3), noisy_cpu_curve()), "c.json");
  auto disjoint = compare(mine, other, {});
  ASSERT_FALSE(disjoint);
  EXPECT_NE(disjoint.error().message.find("no memory size measured in both"), std::string::npos);
  CompareOptions options;
  options.max_cost_increase = 5;
  const ResultReport partial = reread(tune_fake(plan_of({2048}, 3), noisy_cpu_curve()), "d.json");
  if (mine.recommended_mb != 2048) {
    auto missing = compare(mine, partial, options);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("did not measure"), std::string::npos) << missing.error().message;
  }
}

TEST(Compare, PowerTuningsResultAsTheOldSideComparesAverages) {
  const ResultReport n = run("{}", "new.json");
  json pt = {{"power", 1024}, {"cost", 1e-6}, {"duration", 10.0}, {"stateMachine", json::object()}, {"stats", json::array()}};
  for (const auto& s : n.sizes) {
    // Power Tuning measured it half as slow.
    pt["stats"].push_back({{"value", s.memory_mb},
                           {"averagePrice", s.power_tuning_cost / 2},
                           {"averageDuration", s.power_tuning_duration_ms / 2}});
  }
  const ResultReport o = read_result(pt, "power-tuning.json").value();
  CompareOptions options;
  options.max_duration_increase = 20;
  const Comparison c = compare(o, n, options).value();
  EXPECT_TRUE(c.averages_only);
  EXPECT_EQ(c.duration_basis, "avg");
  EXPECT_EQ(c.gate_size, 1024);
  ASSERT_EQ(c.checks.size(), 1u);
  EXPECT_NEAR(c.checks[0].change.change(), 1.0, 1e-9);
  EXPECT_EQ(c.checks[0].change.verdict, Noise::kUnknown);
  EXPECT_TRUE(c.failed());
}

}  // namespace
}  // namespace sweetspot::report
