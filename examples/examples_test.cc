// The examples, end to end as a user runs them (each example's `run` script,
// the real sweetspot binary, real runtimes, loopback services), on small inputs
// and a few sizes. The tests check that each works and what it recommends,
// qualitatively; never how fast anything was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "cli/test_command.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sweetspot::cli::test_support::CommandResult;
using sweetspot::cli::test_support::run_command;

const fs::path kExamples = fs::path(SWEETSPOT_SOURCE_DIR) / "examples";
const fs::path kBuild = fs::path(SWEETSPOT_BINARY_DIR);

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

struct Tuned {
  CommandResult run;
  json result;  // the --json file
  bool skipped = false;

  const json& recommendation() const { return result["sweetspot"]["recommendation"]; }
  const json& size(int memory_mb) const {
    for (const auto& s : result["sweetspot"]["sizes"]) {
      if (s["memoryMb"] == memory_mb) return s;
    }
    static const json none;
    return none;
  }
  std::string text() const { return run.out + "\n" + run.err; }
};

// Runs examples/<name>/run with the tune options given, and reads its JSON.
Tuned tune_example(const std::string& name, std::vector<std::string> args) {
  const fs::path json_path = kBuild / ("examples-" + name + "-" + std::to_string(::getpid()) + ".json");
  std::vector<std::string> argv = {(kExamples / name / "run").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--json", json_path.string()});
  Tuned t;
  t.run = run_command(argv,
                      {{"SWEETSPOT", (kBuild / "src/cli/sweetspot").string()}, {"SWEETSPOT_BUILD", kBuild.string()}},
                      std::chrono::seconds(600));
  if (t.run.exit_code == 3 && !in_ci()) {
    t.skipped = true;
    return t;
  }
  std::ifstream in(json_path);
  if (in) t.result = json::parse(in, nullptr, false);
  fs::remove(json_path);
  return t;
}

#define SKIP_IF_NO_LIMITS(t)                                                                      \
  if ((t).skipped) {                                                                              \
    GTEST_SKIP() << "this host cannot enforce Lambda's limits (run as root): " << (t).run.err; \
  }

// Waiting dominates: a small size is the cheapest, and one vCPU costs several
// times as much for the same wait.
TEST(Examples, IoWaitRecommendsASmallSize) {
  const Tuned t = tune_example("io-wait", {"--memory", "128,512,1769", "--num", "4"});
  SKIP_IF_NO_LIMITS(t);
  ASSERT_EQ(t.run.exit_code, 0) << t.text();
  ASSERT_TRUE(t.result.is_object()) << t.text();
  for (int m : {128, 512, 1769}) EXPECT_EQ(t.size(m)["feasible"], true) << m << t.text();
  ASSERT_TRUE(t.recommendation()["memoryMb"].is_number()) << t.text();
  const int chosen = t.recommendation()["memoryMb"];
  EXPECT_LE(chosen, 512) << t.text();
  const double chosen_cost = t.size(chosen)["costPerInvocation"]["total"];
  EXPECT_GT(t.size(1769)["costPerInvocation"]["total"].get<double>(), 2 * chosen_cost) << t.text();
}

// Below its table's size it runs out of memory, and stops there at once; the
// recommendation is still made, from the sizes that fit.
TEST(Examples, MemoryFloorReportsSmallSizesInfeasibleAndStillRecommends) {
  const Tuned t = tune_example("memory-floor", {"--memory", "128,256,768", "--num", "4"});
  SKIP_IF_NO_LIMITS(t);
  ASSERT_EQ(t.run.exit_code, 0) << t.text();
  ASSERT_TRUE(t.result.is_object()) << t.text();
  for (int m : {128, 256}) {
    EXPECT_EQ(t.size(m)["feasible"], false) << m;
    EXPECT_NE(t.size(m).value("infeasibleReason", "").find("out of memory"), std::string::npos) << t.text();
    EXPECT_EQ(t.size(m)["invocations"], 1) << "an out-of-memory size stops at once";
  }
  EXPECT_EQ(t.size(768)["feasible"], true) << t.text();
  EXPECT_EQ(t.recommendation()["memoryMb"], 768) << t.text();
  EXPECT_NE(t.run.out.find("not usable"), std::string::npos) << t.text();
}

// The write-up's scenario: S3 in, Pillow resize, S3 out, for real.
TEST(Examples, ImagePythonResizesThroughS3AndRecommends) {
  if (run_command({"/usr/bin/python3", "-c", "import PIL, boto3"}).exit_code != 0) {
    if (in_ci()) FAIL() << "Pillow or boto3 missing for /usr/bin/python3: scripts/install-deps installs them";
    GTEST_SKIP() << "Pillow or boto3 missing for /usr/bin/python3 (scripts/install-deps installs them)";
  }
  const Tuned t = tune_example("image-python", {"--image", "800x600", "--memory", "256,1769", "--num", "3"});
  SKIP_IF_NO_LIMITS(t);
  ASSERT_EQ(t.run.exit_code, 0) << t.text();
  ASSERT_TRUE(t.result.is_object()) << t.text();
  for (int m : {256, 1769}) {
    EXPECT_EQ(t.size(m)["feasible"], true) << m << t.text();
    EXPECT_EQ(t.size(m)["successes"], 3) << m << t.text();
  }
  EXPECT_TRUE(t.recommendation()["memoryMb"].is_number()) << t.text();
  // Resizing is CPU work: unless this host was too busy to judge, it says so.
  const std::string reasons = t.recommendation()["reasoning"].dump() + t.recommendation()["warnings"].dump();
  if (reasons.find("too busy") == std::string::npos) {
    EXPECT_EQ(reasons.find("I/O-bound"), std::string::npos) << reasons;
  }
}

// C++ and libvips across threads: works at every size, and where this host has
// fewer cores than Lambda would give a size, the output says so.
TEST(Examples, ImageCppRunsOnAllItsThreadsAndNamesWhatTheHostCannotGive) {
  if (!fs::exists(kBuild / "examples/image-cpp/function/bootstrap")) {
    if (in_ci()) FAIL() << "image-cpp was not built: libvips-dev missing (scripts/install-deps installs it)";
    GTEST_SKIP() << "image-cpp was not built (libvips-dev missing; scripts/install-deps installs it)";
  }
  const Tuned t = tune_example("image-cpp", {"--payload", R"({"width": 1200, "height": 800, "scale": 0.25})", "--memory",
                                             "1024,3538,7076", "--num", "3"});
  SKIP_IF_NO_LIMITS(t);
  ASSERT_EQ(t.run.exit_code, 0) << t.text();
  ASSERT_TRUE(t.result.is_object()) << t.text();
  for (int m : {1024, 3538, 7076}) EXPECT_EQ(t.size(m)["feasible"], true) << m << t.text();
  EXPECT_TRUE(t.recommendation()["memoryMb"].is_number()) << t.text();
  const bool capped = t.size(7076)["host"]["cpuCappedByHost"].get<bool>();
  if (capped) {
    EXPECT_NE(t.recommendation()["warnings"].dump().find("7,076 MB"), std::string::npos) << t.text();
  }
}

}  // namespace
