#include "cli/tune_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/function_options.h"
#include "engine/testing/cgroup_guard.h"
#include "tuner/testing/fake_backend.h"
#include "util/error.h"
#include "util/file.h"

namespace sweetspot::cli {
namespace {

struct TuneRun {
  int exit_code = -1;
  std::string out;
  int max_memory_mb = 0;
};

// Parses `args` as the command line after the program name and runs `tune`
// against a fake backend, capturing stdout.
TuneRun run_tune(const std::string& args) {
  TuneRun run;
  CLI::App app;
  add_tune_command(
      app,
      [&run](const FunctionOptions& function, int max_memory_mb) -> std::unique_ptr<engine_api::Backend> {
        run.max_memory_mb = max_memory_mb;
        tuner::testing::Curve curve;
        curve.wait_ms = 20;
        curve.serial_cpu_ms = 200;
        auto backend = std::make_unique<tuner::testing::FakeBackend>(curve);
        if (function.arch == "arm64") backend->arch = engine_api::Architecture::kArm64;
        return backend;
      },
      run.exit_code);
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  try {
    app.parse(args, /*program_name_included=*/false);
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);
  run.out = captured.str();
  return run;
}

std::string usage_error(const std::string& args) {
  try {
    run_tune(args);
  } catch (const util::Fatal& e) {
    EXPECT_EQ(e.code(), util::ExitCode::kUsage);
    return e.what();
  }
  return "";
}

TEST(TuneCommand, PrintsTheTableAndWritesPowerTuningJson) {
  const auto dir = std::filesystem::temp_directory_path() / ("sweetspot-tune-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto json_path = dir / "out.json";
  const TuneRun run = run_tune("tune fn --memory 256,1024,2048 --num 5 --strategy balanced --weight 0.3 --json " +
                           json_path.string());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.max_memory_mb, 2048);
  EXPECT_NE(run.out.find("Recommendation: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("balance of cost and speed (weight 0.3)"), std::string::npos) << run.out;
  const auto j = nlohmann::json::parse(util::read_file(json_path).value());
  EXPECT_TRUE(j["power"].is_number());
  EXPECT_EQ(j["stats"].size(), 3u);
  EXPECT_EQ(j["sweetspot"]["run"]["num"], 5);
  std::filesystem::remove_all(dir);
}

TEST(TuneCommand, AutoAndLatencyLimit) {
  const TuneRun run = run_tune("tune fn --memory auto --num 3 --max-duration 400 --percentile p90");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.max_memory_mb, 10240);
  EXPECT_NE(run.out.find("with p90 <= 400 ms"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Auto search"), std::string::npos);
}

TEST(TuneCommand, ColdStartsTrimNothingUnlessAsked) {
  const auto dir = std::filesystem::temp_directory_path() / ("sweetspot-tune-cold-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "out.json").string();
  run_tune("tune fn --memory 512 --num 5 --cold-starts --json " + path);
  auto j = nlohmann::json::parse(util::read_file(path).value());
  EXPECT_EQ(j["sweetspot"]["run"]["discardTopBottom"], 0.0);
  EXPECT_TRUE(j["sweetspot"]["run"]["coldStarts"].get<bool>());
  EXPECT_EQ(j["sweetspot"]["sizes"][0]["coldDurationMs"]["count"], 5);
  run_tune("tune fn --memory 512 --num 5 --cold-starts --discard-top-bottom 0.2 --json " + path);
  j = nlohmann::json::parse(util::read_file(path).value());
  EXPECT_EQ(j["sweetspot"]["run"]["discardTopBottom"], 0.2);
  std::filesystem::remove_all(dir);
}

TEST(TuneCommand, PricesFollowTheArchitectureAndAUserTable) {
  const auto dir = std::filesystem::temp_directory_path() / ("sweetspot-tune-arch-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "out.json").string();
  run_tune("tune fn --memory 512 --num 3 --arch arm64 --json " + path);
  auto j = nlohmann::json::parse(util::read_file(path).value());
  EXPECT_EQ(j["sweetspot"]["prices"]["architecture"], "arm64");
  EXPECT_DOUBLE_EQ(j["sweetspot"]["prices"]["gbSecondPriceUsed"].get<double>(), 0.0000133334);
  const auto table = (dir / "prices.json").string();
  ASSERT_TRUE(util::write_file_atomic(table, R"({"regions": {"xx-test-1": {
      "x86_64": {"gb_second_tiers": [{"price": 0.001}], "request": 0, "ephemeral_storage_gb_second": 0},
      "arm64": {"gb_second_tiers": [{"price": 0.0005}], "request": 0, "ephemeral_storage_gb_second": 0}}}})")
                  .has_value());
  run_tune("tune fn --memory 1024 --num 3 --prices @" + table + " --region xx-test-1 --json " + path);
  j = nlohmann::json::parse(util::read_file(path).value());
  EXPECT_EQ(j["sweetspot"]["prices"]["region"], "xx-test-1");
  // No request charge in this table: a call costs exactly 1 GB x billed s x 0.001.
  const auto& size = j["sweetspot"]["sizes"][0];
  EXPECT_NEAR(size["costPerInvocation"]["total"].get<double>(),
              size["steadyBilledDurationMs"]["trimmedMean"].get<double>() / 1000 * 0.001, 1e-12);
  std::filesystem::remove_all(dir);
}

TEST(TuneCommand, ParallelSaysItsInvokesShareTheHost) {
  std::ostringstream err;
  std::streambuf* saved = std::cerr.rdbuf(err.rdbuf());
  const TuneRun run = run_tune("tune fn --memory 512 --num 4 --parallel");
  std::cerr.rdbuf(saved);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(err.str().find("--parallel runs the 4 invokes of a size at once"), std::string::npos) << err.str();
}

TEST(TuneCommand, BadInputIsAUsageErrorThatSaysWhatToDo) {
  EXPECT_NE(usage_error("tune fn --memory 64").find("outside Lambda's range"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --memory 128,lots").find("\"lots\""), std::string::npos);
  EXPECT_NE(usage_error("tune fn --weight 0.2").find("--strategy balanced"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --strategy cheapest").find("cost, speed or balanced"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --percentile q5 --max-duration 10").find("percentile"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --arch sparc").find("x86_64 or arm64"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --region mars-1").find("mars-1"), std::string::npos);
  EXPECT_NE(usage_error("tune fn --payloads @/nonexistent/p.json").find("/nonexistent/p.json"), std::string::npos);
}

// End to end: the real local engine running a real custom runtime (shell + curl).
TEST(TuneCommand, TunesARealFunctionWithTheLocalEngine) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  const auto dir = std::filesystem::temp_directory_path() / ("sweetspot-tune-e2e-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto json_path = (dir / "out.json").string();
  const std::string echo = std::string(SWEETSPOT_SOURCE_DIR) + "/testdata/functions/echo";
  CLI::App app;
  int exit_code = -1;
  add_tune_command(app, exit_code);
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  try {
    // As argv, not one string: CLI11 would split a clone's path at its spaces.
    std::vector<std::string> args{"tune", echo, "--memory", "128,512", "--num", "3", "--payload", R"({"k":1})",
                                  "--json", json_path};
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    app.parse(args);
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);
  EXPECT_EQ(exit_code, 0) << captured.str();
  EXPECT_NE(captured.str().find("Recommendation: "), std::string::npos) << captured.str();
  const auto j = nlohmann::json::parse(util::read_file(json_path).value());
  ASSERT_EQ(j["stats"].size(), 2u) << j.dump(2);
  EXPECT_EQ(j["sweetspot"]["run"]["invocations"], 6);
  for (const auto& size : j["sweetspot"]["sizes"]) {
    EXPECT_EQ(size["successes"], 3) << size.dump(2);
    EXPECT_TRUE(size["limitsEnforced"].get<bool>());
    EXPECT_GT(size["durationMs"]["mean"].get<double>(), 0);
  }
  EXPECT_NE(j["sweetspot"]["run"]["backend"].get<std::string>().find("local engine"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sweetspot::cli
