#include "report/result_model.h"

#include <gtest/gtest.h>

#include "report/testing/sample_results.h"

namespace sweetspot::report {
namespace {

using nlohmann::json;
using testing::noisy_cpu_curve;
using testing::plan_of;
using testing::tune_fake;

TEST(ResultModel, ReadsBackEverythingTheJsonCarries) {
  tuner::Plan plan = plan_of({128, 512, 1024, 4096});
  plan.strategy.limit = tuner::LatencyLimit{400, 95};
  const tuner::TuneResult r = tune_fake(plan, noisy_cpu_curve());
  const ResultReport m = testing::reread(r);
  EXPECT_EQ(m.source, ResultSource::kSweetspot);
  EXPECT_EQ(m.format_version, kResultFormatVersion);
  EXPECT_EQ(m.function, "my-fn");
  EXPECT_EQ(m.backend, r.backend);
  EXPECT_EQ(m.origin, "result.json");
  ASSERT_EQ(m.sizes.size(), r.sizes.size());
  ASSERT_NE(r.recommended(), nullptr);
  EXPECT_EQ(m.recommended_mb, r.recommended()->memory_mb);
  EXPECT_EQ(m.headline, r.headline);
  EXPECT_EQ(m.reasoning, r.reasoning);
  ASSERT_TRUE(m.limit_ms.has_value());
  EXPECT_EQ(*m.limit_ms, 400);
  for (size_t i = 0; i < r.sizes.size(); ++i) {
    const auto& a = r.sizes[i];
    const auto& b = m.sizes[i];
    EXPECT_EQ(b.memory_mb, a.memory_mb);
    EXPECT_EQ(b.feasible, a.feasible);
    EXPECT_EQ(b.infeasible_reason, a.infeasible_reason);
    EXPECT_EQ(b.cpu_capped_by_host, a.support.cpu_capped_by_host());
    EXPECT_DOUBLE_EQ(b.warm.p5, a.warm_duration.p5);
    EXPECT_DOUBLE_EQ(b.warm.p95, a.warm_duration.p95);
    EXPECT_DOUBLE_EQ(b.warm.ci95_high, a.warm_duration.ci95_high);
    EXPECT_DOUBLE_EQ(b.cost_per_invocation, a.cost.total());
    EXPECT_DOUBLE_EQ(b.power_tuning_cost, a.successes ? a.power_tuning_cost : 0);
  }
  EXPECT_FALSE(m.sizes.front().feasible);  // 128 MB runs out of memory
  EXPECT_TRUE(m.sizes.back().cpu_capped_by_host);  // 4096 MB needs 2.3 vCPUs; the fake host has 2
  EXPECT_FALSE(m.visualization_url.empty());
}

TEST(ResultModel, ReadsPowerTuningsOwnResult) {
  const json doc = json::parse(R"({"power": 512, "cost": 3.1e-7, "duration": 140.5,
      "stateMachine": {"executionCost": 0.00025, "lambdaCost": 2.3e-5, "visualization": "https://lambda-power-tuning.show/#gAA=;AAA=;AAA="},
      "stats": [{"value": 1024, "averagePrice": 4e-7, "averageDuration": 90.1},
                {"value": 512, "averagePrice": 3.1e-7, "averageDuration": 140.5}]})");
  const ResultReport m = read_result(doc, "pt.json").value();
  EXPECT_EQ(m.source, ResultSource::kPowerTuning);
  EXPECT_TRUE(m.function.empty());
  ASSERT_EQ(m.sizes.size(), 2u);
  EXPECT_EQ(m.sizes[0].memory_mb, 512);  // sorted
  EXPECT_DOUBLE_EQ(m.sizes[0].power_tuning_duration_ms, 140.5);
  EXPECT_EQ(m.recommended_mb, 512);
  EXPECT_NE(m.visualization_url.find("lambda-power-tuning.show"), std::string::npos);
}

TEST(ResultModel, RefusesWhatItWouldMisread) {
  const tuner::TuneResult r = tune_fake(plan_of({512}, 3), noisy_cpu_curve());
  json doc = to_json(r);
  doc["sweetspot"]["formatVersion"] = kResultFormatVersion + 1;
  auto bad = read_result(doc, "new.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("format version"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("new.json"), std::string::npos);
  doc["sweetspot"].erase("formatVersion");
  EXPECT_NE(read_result(doc, "x").error().message.find("no sweetspot.formatVersion"), std::string::npos);
  EXPECT_FALSE(read_result(json::array(), "x"));
  EXPECT_FALSE(read_result(json::parse(R"({"hello": 1})"), "x"));
  EXPECT_FALSE(read_result(json::parse(R"({"stats": [{"value": 64, "averagePrice": 1, "averageDuration": 1}]})"), "x"));
  EXPECT_FALSE(read_result(json::parse(R"({"stats": [{"value": 512}]})"), "x"));
  EXPECT_FALSE(read_result(json::parse(R"({"power": 256, "stats": [{"value": 512, "averagePrice": 1, "averageDuration": 1}]})"), "x"));
  // Mistyped optional fields read as defaults, never throw.
  doc = to_json(r);
  doc["sweetspot"]["recommendation"]["reasoning"] = 7;
  doc["sweetspot"]["sizes"][0]["durationMs"] = "fast";
  EXPECT_TRUE(read_result(doc, "x"));
}

TEST(ResultModel, LoadResultNamesTheFileThatIsNotJson) {
  auto missing = load_result("/nonexistent/result.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/result.json"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::report
