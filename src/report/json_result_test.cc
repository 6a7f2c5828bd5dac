#include "report/json_result.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "report/explain.h"
#include "tuner/testing/fake_backend.h"
#include "util/base64.h"
#include "util/file.h"

namespace sweetspot::report {
namespace {

using nlohmann::json;

template <typename T>
std::vector<T> decode_array(const std::string& base64) {
  const std::string bytes = util::base64_decode(base64).value();
  std::vector<T> values(bytes.size() / sizeof(T));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

TEST(Visualization, EncodesSortedInt16SizesAndFloat32DurationsAndCosts) {
  const std::string url = visualization_url({{512, 100.5, 2e-6}, {128, 400.25, 1e-6}, {10240, 7.75, 3.5e-5}});
  const std::string prefix = "https://lambda-power-tuning.show/#";
  ASSERT_EQ(url.rfind(prefix, 0), 0u);
  const std::string hash = url.substr(prefix.size());
  const size_t first = hash.find(';');
  const size_t second = hash.find(';', first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(decode_array<int16_t>(hash.substr(0, first)), (std::vector<int16_t>{128, 512, 10240}));
  EXPECT_EQ(decode_array<float>(hash.substr(first + 1, second - first - 1)), (std::vector<float>{400.25f, 100.5f, 7.75f}));
  EXPECT_EQ(decode_array<float>(hash.substr(second + 1)), (std::vector<float>{1e-6f, 2e-6f, 3.5e-5f}));
}

tuner::TuneResult run(tuner::Plan plan, tuner::testing::Curve curve) {
  tuner::testing::FakeBackend backend(curve);
  const auto prices = tuner::PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value();
  tuner::TuneResult r = tuner::tune(backend, plan, prices, nullptr).value();
  explain(r);
  return r;
}

tuner::testing::Curve oom_below_200() {
  tuner::testing::Curve c;
  c.wait_ms = 50;
  c.serial_cpu_ms = 100;
  c.working_set_mb = 200;
  return c;
}

TEST(JsonResult, IsASupersetOfPowerTuningsResult) {
  const tuner::TuneResult r = run(tuner::Plan{}, oom_below_200());
  const json j = to_json(r);
  ASSERT_NE(r.recommended(), nullptr);
  EXPECT_EQ(j["power"], r.recommended()->memory_mb);
  EXPECT_DOUBLE_EQ(j["cost"].get<double>(), r.recommended()->power_tuning_cost);
  EXPECT_DOUBLE_EQ(j["duration"].get<double>(), r.recommended()->power_tuning_duration_ms);
  EXPECT_EQ(j["stateMachine"]["executionCost"], 0);
  EXPECT_DOUBLE_EQ(j["stateMachine"]["lambdaCost"].get<double>(), r.lambda_cost);
  // 128 MB ran out of memory every time: not in stats (no average), but in sweetspot.sizes with why.
  ASSERT_EQ(j["stats"].size(), 5u);
  EXPECT_EQ(j["stats"][0]["value"], 256);
  for (const auto& stat : j["stats"]) {
    for (const char* key : {"value", "averagePrice", "averageDuration", "totalCost"}) EXPECT_TRUE(stat.contains(key));
  }
  const json& sizes = j["sweetspot"]["sizes"];
  ASSERT_EQ(sizes.size(), 6u);
  EXPECT_FALSE(sizes[0]["feasible"].get<bool>());
  EXPECT_NE(sizes[0]["infeasibleReason"].get<std::string>().find("out of memory"), std::string::npos);
  EXPECT_EQ(sizes[1]["durationMs"]["count"], 10);
  EXPECT_TRUE(sizes[1]["durationMs"].contains("p99"));
  EXPECT_EQ(j["sweetspot"]["recommendation"]["headline"], r.headline);
  EXPECT_EQ(j["sweetspot"]["prices"]["freeTier"]["gbSecondsPerMonth"], 400000);
  EXPECT_EQ(j["sweetspot"]["prices"]["gbSecondTiers"].size(), 3u);
  ASSERT_TRUE(j["sweetspot"].contains("model"));
  const json& curve = j["sweetspot"]["model"]["predictedCurve"];
  ASSERT_EQ(curve.size(), 159u);  // every 64 MB step from 128 to 10,240
  EXPECT_TRUE(curve[0]["belowSmallestWorkingSize"].get<bool>());  // 128 MB ran out of memory
  EXPECT_FALSE(curve[2]["belowSmallestWorkingSize"].get<bool>());  // 256 MB worked
  // The visualization carries the five sizes that have averages.
  const std::string url = j["stateMachine"]["visualization"];
  const std::string sizes_b64 = url.substr(url.find('#') + 1, url.find(';') - url.find('#') - 1);
  EXPECT_EQ(decode_array<int16_t>(sizes_b64), (std::vector<int16_t>{256, 512, 1024, 1536, 3008}));
}

// --memory auto on environments of different speeds: the JSON names the sizes
// compared at their CPU times' level (each size's measured and level CPU time
// and the factor on its duration), and the reasoning says why.
TEST(JsonResult, SaysWhichSizesWereComparedAtTheirCpuTimesLevel) {
  const tuner::testing::Curve curve = tuner::testing::standard_curve("env-speed");
  tuner::Plan plan;
  plan.selection = tuner::SizeSelection::kAuto;
  plan.seed = 3;
  const tuner::TuneResult r = run(plan, curve);
  ASSERT_FALSE(r.speed_adjustments.empty());
  const json adjusted = to_json(r)["sweetspot"]["search"]["comparedAtTypicalSpeed"];
  ASSERT_EQ(adjusted.size(), r.speed_adjustments.size());
  for (size_t i = 0; i < adjusted.size(); ++i) {
    const auto& a = r.speed_adjustments[i];
    EXPECT_EQ(adjusted[i]["memoryMb"], a.memory_mb);
    EXPECT_DOUBLE_EQ(adjusted[i]["cpuTimeMs"].get<double>(), a.cpu_ms);
    EXPECT_DOUBLE_EQ(adjusted[i]["typicalCpuTimeMs"].get<double>(), a.typical_cpu_ms);
    EXPECT_DOUBLE_EQ(adjusted[i]["durationFactor"].get<double>(), a.duration_factor);
    // The size's table row keeps what was measured.
    const auto size = std::find_if(r.sizes.begin(), r.sizes.end(), [&](auto& s) { return s.memory_mb == a.memory_mb; });
    ASSERT_NE(size, r.sizes.end());
    EXPECT_DOUBLE_EQ(size->cpu_time_ms.trimmed_mean, a.cpu_ms);
  }
  EXPECT_TRUE(std::any_of(r.reasoning.begin(), r.reasoning.end(), [](const std::string& line) {
    return line.find("level of their CPU times per invoke") != std::string::npos;
  }));
  // A list of sizes is compared as measured.
  tuner::Plan list;
  list.seed = 3;
  const tuner::TuneResult measured = run(list, curve);
  EXPECT_TRUE(measured.speed_adjustments.empty());
  EXPECT_FALSE(to_json(measured)["sweetspot"].contains("search"));
}

TEST(JsonResult, NoRecommendationIsNullNotAGuess) {
  tuner::Plan plan;
  plan.num = 3;
  plan.strategy.limit = tuner::LatencyLimit{1, 99};
  const json j = to_json(run(plan, oom_below_200()));
  EXPECT_TRUE(j["power"].is_null());
  EXPECT_FALSE(j["sweetspot"]["recommendation"]["limitMet"].get<bool>());
  EXPECT_TRUE(j["sweetspot"]["recommendation"].contains("closestMemoryMb"));
}

TEST(JsonResult, WritesTheFileAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / ("sweetspot-json-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  tuner::Plan plan;
  plan.num = 2;
  plan.memory_sizes = {256, 512};
  ASSERT_TRUE(write_json(dir / "result.json", run(plan, oom_below_200())).has_value());
  const json back = json::parse(util::read_file(dir / "result.json").value());
  EXPECT_EQ(back["stats"].size(), 2u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sweetspot::report
