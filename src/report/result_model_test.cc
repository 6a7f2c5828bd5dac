#include "report/result_model.h"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(ResultModel, ReadsBackTheTraceParts) {
  tuner::TuneResult r = tune_fake(plan_of({256, 512, 1024, 2048}, 4), noisy_cpu_curve());
  EXPECT_TRUE(testing::reread(r).parts.empty());  // no X-Ray subsegments: none
  testing::add_trace_parts(r);
  const ResultReport m = testing::reread(r);
  ASSERT_EQ(m.parts.size(), r.trace_parts.size());
  for (size_t i = 0; i < m.parts.size(); ++i) {
    const auto& a = r.trace_parts[i];
    const auto& b = m.parts[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.top_level, a.top_level);
    EXPECT_EQ(b.verdict, tuner::to_string(a.verdict));
    EXPECT_EQ(b.description, tuner::describe(a.verdict));
    EXPECT_DOUBLE_EQ(b.cpu_fraction, a.cpu_fraction);
    ASSERT_EQ(b.sizes.size(), a.sizes.size());
    for (size_t j = 0; j < b.sizes.size(); ++j) {
      EXPECT_EQ(b.sizes[j].memory_mb, a.sizes[j].memory_mb);
      EXPECT_DOUBLE_EQ(b.sizes[j].p50_ms, a.sizes[j].timing.p50_ms);
      EXPECT_DOUBLE_EQ(b.sizes[j].p95_ms, a.sizes[j].timing.p95_ms);
      EXPECT_DOUBLE_EQ(b.sizes[j].share, a.sizes[j].timing.share);
      EXPECT_EQ(b.sizes[j].samples, a.sizes[j].timing.samples);
    }
  }
  const auto by_name = [&](const std::string& name) {
    return *std::find_if(m.parts.begin(), m.parts.end(), [&](auto& p) { return p.name == name; });
  };
  EXPECT_EQ(by_name("download").verdict, "flat");
  EXPECT_EQ(by_name("resize").verdict, "scales");
  EXPECT_FALSE(by_name("## s3.get_object").top_level);
  ASSERT_TRUE(m.limiting_part.has_value());
  ASSERT_TRUE(m.recommended_mb.has_value());
  EXPECT_EQ(m.limiting_part->memory_mb, *m.recommended_mb);
  EXPECT_EQ(m.limiting_part->sentence, tuner::limiting_part_sentence(r.trace_parts, *m.recommended_mb));
}

TEST(ResultModel, MalformedTracePartsAreLeftOutNotFatal) {
  tuner::TuneResult r = tune_fake(plan_of({512, 1024}, 3), noisy_cpu_curve());
  testing::add_trace_parts(r);
  json doc = to_json(r);
  json& parts = doc["traceParts"]["parts"];
  parts[0].erase("name");                          // a part without a name: left out
  parts[1]["sizes"][0]["memoryMb"] = 64;           // a size Lambda does not have: left out
  parts[1]["sizes"][1]["p50Ms"] = "slow";          // mistyped: its default
  parts[1]["sizes"].push_back(parts[1]["sizes"][1]);  // the same size twice: the first kept
  parts[2]["sizes"] = "none";
  parts.push_back(42);
  doc["traceParts"]["limitingPart"] = json::array();
  auto m = read_result(doc, "x");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->parts.size(), r.trace_parts.size() - 1);
  ASSERT_EQ(m->parts[0].sizes.size(), 1u);
  EXPECT_EQ(m->parts[0].sizes[0].memory_mb, 1024);
  EXPECT_EQ(m->parts[0].sizes[0].p50_ms, 0);
  EXPECT_TRUE(m->parts[1].sizes.empty());
  EXPECT_FALSE(m->limiting_part.has_value());
  doc["traceParts"] = "garbage";
  m = read_result(doc, "x");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->parts.empty());
}

TEST(ResultModel, LoadResultNamesTheFileThatIsNotJson) {
  auto missing = load_result("/nonexistent/result.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/result.json"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::report
