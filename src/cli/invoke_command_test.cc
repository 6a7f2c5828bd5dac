// `sweetspot invoke` as a user runs it: the real binary, real runtimes, real cgroups.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/test_command.h"
#include "engine/testing/cgroup_guard.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::run_command;

using test_support::kOps;
using test_support::kSweetspot;

using engine::testing::cgroups_of;

// Processes whose environment holds `marker` (every process of a function run
// with --env SWEETSPOT_TEST_MARKER=<marker> inherits it).
int processes_with_marker(const std::string& marker) {
  int count = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), {});
    if (env.find("SWEETSPOT_TEST_MARKER=" + marker) != std::string::npos) ++count;
  }
  return count;
}

TEST(InvokeCommand, ResponseOnStdoutLambdaLinesOnStderr) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto r = run_command({kSweetspot, "invoke", kOps, "--payload", R"({"op":"echo","x":1})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"op\":\"echo\",\"x\":1}\n");
  EXPECT_TRUE(std::regex_search(r.err, std::regex("START RequestId: [0-9a-f-]{36} Version: \\$LATEST\n")));
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex("REPORT RequestId: [0-9a-f-]{36}\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms\t"
                        "Memory Size: 128 MB\tMax Memory Used: \\d+ MB\tInit Duration: \\d+\\.\\d\\d ms\t\n")))
      << r.err;
}

TEST(InvokeCommand, JsonRecordsColdThenWarm) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto r = run_command({kSweetspot, "invoke", kOps, "--memory", "256", "--count", "3", "--json", "--payload",
                        R"({"op":"spin","ms":5})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["start"], "cold");
  EXPECT_TRUE(records[0]["initDurationMs"].is_number());
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(records[i]["start"], "warm");
    EXPECT_TRUE(records[i]["initDurationMs"].is_null());
  }
  for (const auto& rec : records) {
    EXPECT_EQ(rec["memorySizeMb"], 256);
    EXPECT_EQ(rec["outcome"], "success");
    EXPECT_TRUE(rec["error"].is_null());
    EXPECT_GT(rec["cpuTimeMs"].get<double>(), 3.0);
    EXPECT_GE(rec["billedDurationMs"].get<double>(), rec["durationMs"].get<double>());
    EXPECT_GT(rec["maxMemoryUsedMb"].get<int>(), 0);
    EXPECT_TRUE(rec["response"].contains("wall_ms"));
    EXPECT_EQ(rec["requestId"].get<std::string>().size(), 36u);
  }
}

TEST(InvokeCommand, NonUtf8ResponseIsCarriedLosslessly) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  const std::string payload = R"({"op":"raw_response","hex":"ff00fec328"})";
  auto r = run_command({kSweetspot, "invoke", kOps, "--json", "--payload", payload});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json record = json::parse(r.out);
  EXPECT_TRUE(record["response"].is_null());
  EXPECT_EQ(record["responseBase64"], "/wD+wyg=");  // base64 of ff 00 fe c3 28
  auto raw = run_command({kSweetspot, "invoke", kOps, "--payload", payload});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(raw.out, std::string("\xff\x00\xfe\xc3\x28\n", 6)) << "without --json the bytes go out as they are";
}

TEST(InvokeCommand, FunctionErrorExitsOneWithTheErrorBody) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto r = run_command({kSweetspot, "invoke", kOps, "--payload", R"({"op":"nope"})"});
  EXPECT_EQ(r.exit_code, 1);
  const json body = json::parse(r.out);
  EXPECT_EQ(body["errorType"], "TestError");
  EXPECT_EQ(body["errorMessage"], "unknown op nope");
}

TEST(InvokeCommand, TimeoutExitsOneWithLambdasMessage) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto r = run_command({kSweetspot, "invoke", kOps, "--timeout", "1", "--payload", R"({"op":"sleep","ms":4000})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out)["errorType"], "Sandbox.Timedout");
  EXPECT_NE(r.err.find("Task timed out after 1.00 seconds"), std::string::npos) << r.err;
}

TEST(InvokeCommand, BadInputExitsTwoWithAMessageThatSaysWhatToDo) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"--memory", "64"}, "128 to 10240"},
      {{"--memory", "10241"}, "128 to 10240"},
      {{"--timeout", "901"}, "1 to 900"},
      {{"--tmp-size", "100"}, "512 to 10240"},
      {{"--payload", "not json"}, "not valid JSON"},
      {{"--payload", "@/nonexistent/event.json"}, "/nonexistent/event.json"},
      {{"--env", "NOEQUALS"}, "KEY=VALUE"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kSweetspot, "invoke", kOps, "--no-limits"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.args[0] << ": " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  auto missing = run_command({kSweetspot, "invoke", "/nonexistent-function", "--no-limits"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent-function"), std::string::npos) << missing.err;
  // No FUNCTION: the current directory (first_run_test.cc).
}

TEST(InvokeCommand, NoLimitsMarksRecordsUnenforced) {
  auto r = run_command({kSweetspot, "invoke", kOps, "--no-limits", "--json", "--payload", R"({"op":"echo"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json record = json::parse(r.out);
  EXPECT_EQ(record["limitsEnforced"], false);
  EXPECT_NE(r.err.find("limits not enforced"), std::string::npos) << r.err;
  // The record says so too, as the REPORT line does, with any other note of the run.
  ASSERT_TRUE(record["notes"].is_array()) << r.out;
  EXPECT_NE(record["notes"][0].get<std::string>().find("limits not enforced"), std::string::npos) << r.out;
}

TEST(InvokeCommand, SizeBeyondTheHostIsFlagged) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  if (host.host_cpus >= 6) GTEST_SKIP() << "this host can give 10,240 MB its 6 vCPUs";
  auto r = run_command({kSweetspot, "invoke", kOps, "--memory", "10240", "--payload", R"({"op":"echo"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("not emulated faithfully"), std::string::npos) << r.err;
}

TEST(InvokeCommand, CtrlCLeavesNoProcessesAndNoCgroups) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  const std::string marker = "ctrl-c-" + std::to_string(::getpid());
  const pid_t pid = test_support::spawn_command(
      {kSweetspot, "invoke", kOps, "--timeout", "60", "--concurrency", "2", "--count", "2", "--env",
       "SWEETSPOT_TEST_MARKER=" + marker, "--payload", R"({"op":"fork_bomb"})"},
      {}, -1, -1);
  // Wait until both environments run (and have forked).
  for (int i = 0; i < 300 && processes_with_marker(marker) < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_GE(processes_with_marker(marker), 2) << "the function never started";
  EXPECT_FALSE(cgroups_of(host, pid).empty());
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "status " << status;
  EXPECT_EQ(processes_with_marker(marker), 0);
  EXPECT_TRUE(cgroups_of(host, pid).empty());
}

}  // namespace
}  // namespace sweetspot::cli
