// `tune --html/--md/--csv`, `report` and `compare` as a user runs them: the real
// binary tuning a real custom runtime in real cgroups, and the HTML opened in
// real headless Chromium (tests/browser/check_report.mjs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/browser_check.h"
#include "cli/test_command.h"
#include "engine/testing/cgroup_guard.h"
#include "util/file.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::run_command;

using test_support::kOps;
using test_support::kSweetspot;
const fs::path kArtifacts = fs::path(SWEETSPOT_BINARY_DIR) / "test-artifacts/reports";

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("sweetspot-report-cli-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string read(const std::string& path) { return util::read_file(path).value(); }

// Tunes the ops function spinning `spin_ms` of CPU per invoke.
test_support::CommandResult tune(const std::string& sizes, int spin_ms, int num, std::vector<std::string> extra) {
  std::vector<std::string> argv = {kSweetspot, "tune", kOps, "--memory", sizes, "--num", std::to_string(num),
                                   "--payload", json{{"op", "spin"}, {"ms", spin_ms}}.dump()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, {}, std::chrono::seconds(240));
}

TEST(ReportCommand, UnwritableReportPathsFailBeforeAnyInvoke) {
  TempDir dir;
  for (const std::string option : {"--html", "--md", "--csv", "--json"}) {
    auto r = run_command({kSweetspot, "tune", kOps, "--memory", "512", option, "/nonexistent-dir/report.out"});
    EXPECT_EQ(r.exit_code, 2) << option << ": " << r.err;
    EXPECT_NE(r.err.find(option + " /nonexistent-dir/report.out"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("tuning with"), std::string::npos) << "it ran before checking: " << r.err;
  }
  auto r = run_command({kSweetspot, "tune", kOps, "--memory", "512", "--html", dir.path.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST(ReportCommand, BadResultsAreUsageErrors) {
  TempDir dir;
  auto missing = run_command({kSweetspot, "report", dir / "none.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json"), std::string::npos) << missing.err;
  ASSERT_TRUE(util::write_file_atomic(dir / "garbage.json", "{not json"));
  auto garbage = run_command({kSweetspot, "report", dir / "garbage.json"});
  EXPECT_EQ(garbage.exit_code, 2);
  EXPECT_NE(garbage.err.find("not JSON"), std::string::npos) << garbage.err;
  auto compare_missing = run_command({kSweetspot, "compare", dir / "garbage.json", dir / "none.json"});
  EXPECT_EQ(compare_missing.exit_code, 2) << compare_missing.err;
}

// One real result rendered by `tune` and again by `report` from its JSON: the
// same page, and the page passes the browser checks.
TEST(ReportCommand, TuneWritesReportsThatReportRerendersAndChromiumShows) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  TempDir dir;
  // 128 MB cannot hold the 160 MB one call in four allocates: infeasible. 4,096 MB
  // needs three cores: host-capped on a 2-core machine.
  const std::string payloads = dir / "payloads.json";
  ASSERT_TRUE(util::write_file_atomic(
      payloads, json::array({{{"payload", {{"op", "spin"}, {"ms", 15}}}, {"weight", 3}},
                             {{"payload", {{"op", "alloc"}, {"mb", 160}}}, {"weight", 1}}})
                    .dump()));
  auto r = run_command({kSweetspot, "tune", kOps, "--memory", "128,512,1024,2048,4096", "--num", "4", "--payloads",
                        "@" + payloads, "--json", dir / "result.json", "--html", dir / "tune.html", "--md",
                        dir / "tune.md", "--csv", dir / "tune.csv"},
                       {}, std::chrono::seconds(300));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The terminal gains the chart and the link.
  const json result = json::parse(read(dir / "result.json"));
  EXPECT_EQ(result["sweetspot"]["function"], "ops");
  EXPECT_EQ(result["sweetspot"]["formatVersion"], 1);
  EXPECT_NE(r.out.find("duration (p50)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\u2588"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(result["stateMachine"]["visualization"].get<std::string>()), std::string::npos);

  auto again = run_command({kSweetspot, "report", dir / "result.json", "--html", dir / "report.html", "--md",
                            dir / "report.md", "--csv", dir / "report.csv"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read(dir / "report.html"), read(dir / "tune.html"));
  EXPECT_EQ(read(dir / "report.md"), read(dir / "tune.md"));
  EXPECT_EQ(read(dir / "report.csv"), read(dir / "tune.csv"));
  EXPECT_NE(again.out.find(result["sweetspot"]["recommendation"]["headline"].get<std::string>()), std::string::npos);

  fs::create_directories(kArtifacts);
  fs::copy_file(dir / "tune.md", kArtifacts / "report.md", fs::copy_options::overwrite_existing);
  SWEETSPOT_CHECK_IN_BROWSER(dir / "tune.html", dir / "result.json", kArtifacts);
}

// A function made deliberately slower between two real runs: compare exits 1
// on a threshold it exceeds, 0 within a generous one, 2 on bad input.
TEST(CompareCommand, GatesARealSlowdown) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  TempDir dir;
  auto fast = tune("512,1024", 20, 6, {"--json", dir / "old.json"});
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  auto slow = tune("512,1024", 60, 6, {"--json", dir / "new.json"});
  ASSERT_EQ(slow.exit_code, 0) << slow.err;

  auto gate = run_command({kSweetspot, "compare", dir / "old.json", dir / "new.json", "--max-duration-increase", "20",
                           "--md", dir / "compare.md", "--html", dir / "compare.html"});
  EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  EXPECT_NE(gate.out.find("EXCEEDED"), std::string::npos) << gate.out;
  EXPECT_NE(read(dir / "compare.md").find("Threshold exceeded"), std::string::npos);
  EXPECT_NE(read(dir / "compare.html").find("Threshold exceeded"), std::string::npos);

  auto cost_gate = run_command({kSweetspot, "compare", dir / "old.json", dir / "new.json", "--max-cost-increase", "20"});
  EXPECT_EQ(cost_gate.exit_code, 1) << cost_gate.out << cost_gate.err;

  // Three times the CPU: within a 1,000% allowance; and faster is never a regression.
  auto generous = run_command({kSweetspot, "compare", dir / "old.json", dir / "new.json", "--max-duration-increase",
                               "1000", "--percentile", "p50"});
  EXPECT_EQ(generous.exit_code, 0) << generous.out << generous.err;
  auto faster = run_command(
      {kSweetspot, "compare", dir / "new.json", dir / "old.json", "--max-duration-increase", "5", "--max-cost-increase", "5"});
  EXPECT_EQ(faster.exit_code, 0) << faster.out << faster.err;
  EXPECT_NE(faster.out.find("passed"), std::string::npos) << faster.out;

  // Another function's result, and a format version this build does not read.
  json other = json::parse(read(dir / "new.json"));
  other["sweetspot"]["function"] = "someone-else";
  ASSERT_TRUE(util::write_file_atomic(dir / "other.json", other.dump()));
  auto different = run_command({kSweetspot, "compare", dir / "old.json", dir / "other.json"});
  EXPECT_EQ(different.exit_code, 2);
  EXPECT_NE(different.err.find("same function"), std::string::npos) << different.err;
  json future = json::parse(read(dir / "new.json"));
  future["sweetspot"]["formatVersion"] = 99;
  ASSERT_TRUE(util::write_file_atomic(dir / "future.json", future.dump()));
  auto version = run_command({kSweetspot, "compare", dir / "old.json", dir / "future.json"});
  EXPECT_EQ(version.exit_code, 2);
  EXPECT_NE(version.err.find("format version 99"), std::string::npos) << version.err;
  auto unwritable = run_command(
      {kSweetspot, "compare", dir / "old.json", dir / "new.json", "--md", "/nonexistent-dir/c.md"});
  EXPECT_EQ(unwritable.exit_code, 2) << unwritable.err;
}

}  // namespace
}  // namespace sweetspot::cli
