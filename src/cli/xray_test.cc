// X-Ray in the local Lambda, end to end: the real binary, real runtimes, AWS's
// X-Ray SDK for Python sending to the engine's listener, boto3 against moto_server.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "cli/browser_check.h"
#include "cli/moto_server.h"
#include "cli/test_command.h"
#include "cli/test_function_dir.h"
#include "util/testing/test_files.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::run_command;
using ::testing::HasSubstr;

using test_support::kOps;
using test_support::kSweetspot;

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Exit status 3: this host cannot enforce Lambda's limits (not root, no cgroups).
#define SKIP_WITHOUT_LIMITS(result)                                                               \
  if ((result).exit_code == 3 && !in_ci()) {                                                      \
    GTEST_SKIP() << "this host cannot enforce Lambda's limits (run as root): " << (result).err; \
  }

// The SDK comes with this machine image's python3 (pip's aws-xray-sdk; Debian's
// python3-aws-xray-sdk is a 2018 release).
#define REQUIRE_PYTHON_XRAY_SDK()                                                                     \
  if (run_command({"python3", "-c", "import aws_xray_sdk"}).exit_code != 0) {                          \
    if (in_ci()) FAIL() << "python3 cannot import aws_xray_sdk";                                       \
    GTEST_SKIP() << "python3 has no aws_xray_sdk (pip install aws-xray-sdk), which these tests need"; \
  }

using test_support::FunctionDir;

std::vector<json> records_of(const std::string& out) {
  std::vector<json> records;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    if (!j.is_discarded()) records.push_back(std::move(j));
  }
  return records;
}

// The segments of a record's trace, by name (the first of each name).
std::map<std::string, json> by_name(const json& record) {
  std::map<std::string, json> out;
  for (const auto& s : record["trace"]["segments"]) out.try_emplace(s["name"].get<std::string>(), s);
  return out;
}

const json* function_segment(const json& record) {
  for (const auto& s : record["trace"]["segments"]) {
    if (s.value("origin", "") == "AWS::Lambda::Function") return &s;
  }
  return nullptr;
}

TEST(XRay, FunctionWithoutAnSdkStillGetsLambdasOwnSegment) {
  auto r = run_command({kSweetspot, "invoke", kOps, "--count", "2", "--json", "--trace", "--payload", R"({"op":"echo"})"});
  SKIP_WITHOUT_LIMITS(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto records = records_of(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  for (size_t i = 0; i < 2; ++i) {
    const json& rec = records[i];
    ASSERT_TRUE(rec["trace"].is_object()) << rec.dump();
    EXPECT_THAT(rec["trace"]["header"].get<std::string>(),
                ::testing::MatchesRegex("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1"));
    const json* fn = function_segment(rec);
    ASSERT_NE(fn, nullptr) << rec.dump();
    EXPECT_EQ((*fn)["name"], "ops");
    EXPECT_EQ((*fn)["type"], "segment");
    // The function's segment id is the Parent the runtime got, so an SDK's subsegments hang under it.
    EXPECT_THAT(rec["trace"]["header"].get<std::string>(), HasSubstr("Parent=" + (*fn)["id"].get<std::string>()));
    auto names = by_name(rec);
    EXPECT_EQ(names.count("Initialization"), i == 0 ? 1u : 0u) << rec.dump();  // cold starts only
    ASSERT_EQ(names.count("Invocation"), 1u);
    ASSERT_EQ(names.count("Overhead"), 1u);
    EXPECT_EQ(names["Invocation"]["parent_id"], (*fn)["id"]);
    EXPECT_EQ(names["Overhead"]["parent_id"], (*fn)["id"]);
    // The Invocation phase is the REPORT Duration.
    EXPECT_NEAR(names["Invocation"]["duration_ms"].get<double>(), rec["durationMs"].get<double>(), 0.01);
    if (i == 0) {
      EXPECT_NEAR(names["Initialization"]["duration_ms"].get<double>(), rec["initDurationMs"].get<double>(), 0.01);
    }
    // The runtime asked for its next event after answering: Overhead ended.
    EXPECT_FALSE(names["Overhead"]["in_progress"].get<bool>()) << rec.dump();
    EXPECT_EQ(rec["trace"]["droppedSubsegments"], 0);
  }
  // The waterfall, beside the log on stderr.
  EXPECT_THAT(r.err, HasSubstr("trace Root=1-"));
  EXPECT_THAT(r.err, ::testing::ContainsRegex("\n    Invocation +[|]"));
  EXPECT_THAT(r.err, ::testing::ContainsRegex("\n    Overhead +[|]"));
}

constexpr const char* kSdkFunction = R"(import os
import time

from aws_xray_sdk.core import patch, xray_recorder

patch(["botocore"])


def burn(rounds):
    x = 0
    for i in range(rounds):
        x += i * i
    return x


def handler(event, context):
    with xray_recorder.in_subsegment("wait"):
        time.sleep(event.get("sleep_ms", 50) / 1000)
    with xray_recorder.in_subsegment("compute"):
        burn(event.get("rounds", 100000))
    if event.get("s3"):
        import boto3
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="xray-test")
        s3.put_object(Bucket="xray-test", Key="k", Body=b"hello")
        s3.get_object(Bucket="xray-test", Key="k")["Body"].read()
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID"), "daemon": os.environ.get("AWS_XRAY_DAEMON_ADDRESS"),
            "context_missing": os.environ.get("AWS_XRAY_CONTEXT_MISSING")}
)";



TEST(XRay, PythonSdkSubsegmentsAndPatchedBoto3CallsAgainstMoto) {
  REQUIRE_PYTHON_XRAY_SDK();
  test_support::MotoServer moto;
  ASSERT_TRUE(moto.wait_ready()) << moto.not_ready_message();
  const std::string endpoint = moto.url();

  FunctionDir fn;
  fn.write("app.py", kSdkFunction);
  const std::map<std::string, std::string> aws = {{"AWS_ENDPOINT_URL", endpoint},  {"AWS_ACCESS_KEY_ID", "testing"},
                                                  {"AWS_SECRET_ACCESS_KEY", "testing"}, {"AWS_SESSION_TOKEN", ""},
                                                  {"AWS_PROFILE", ""},               {"AWS_REGION", "us-east-1"}};
  auto r = run_command({kSweetspot, "invoke", fn.path().string(), "--runtime", "python3.12", "--handler", "app.handler",
                        "--memory", "512", "--timeout", "60", "--json", "--trace", "--payload", R"({"s3": true})"},
                       aws);
  SKIP_WITHOUT_LIMITS(r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto records = records_of(r.out);
  ASSERT_EQ(records.size(), 1u) << r.out;
  const json& rec = records[0];
  // What the runtime's environment held, as Lambda sets it.
  EXPECT_EQ(rec["response"]["trace"], rec["trace"]["header"]);
  EXPECT_THAT(rec["response"]["daemon"].get<std::string>(), ::testing::MatchesRegex("127\\.0\\.0\\.1:[0-9]+"));
  EXPECT_EQ(rec["response"]["context_missing"], "LOG_ERROR");

  const json* fn_segment = function_segment(rec);
  ASSERT_NE(fn_segment, nullptr) << rec.dump();
  auto names = by_name(rec);
  ASSERT_EQ(names.count("wait"), 1u) << rec.dump(1);
  ASSERT_EQ(names.count("compute"), 1u) << rec.dump(1);
  for (const char* part : {"wait", "compute"}) {
    EXPECT_EQ(names[part]["parent_id"], (*fn_segment)["id"]) << part;
    EXPECT_EQ(names[part]["recorded_by"], "function");
    EXPECT_GT(names[part]["duration_ms"].get<double>(), 0.0);
  }
  EXPECT_GE(names["wait"]["duration_ms"].get<double>(), 45.0);  // it slept 50 ms
  // Each S3 call the SDK patched is a subsegment of its own, in the "aws" namespace.
  int aws_calls = 0;
  for (const auto& s : rec["trace"]["segments"]) {
    if (s.value("namespace", "") == "aws") ++aws_calls;
  }
  EXPECT_GE(aws_calls, 3) << rec.dump(1);
  EXPECT_THAT(r.err, ::testing::ContainsRegex("\n    compute( [(]local[)])? +[|]"));  // the SDK names its namespace "local"
}

TEST(XRay, NodeSdkSubsegmentsJoinTheInvokesTrace) {
  const fs::path fn = fs::path(SWEETSPOT_SOURCE_DIR) / "testdata/functions/xray-node";
  if (!fs::exists(fn / "node_modules/aws-xray-sdk-core")) {
    if (in_ci()) FAIL() << "aws-xray-sdk-core is not installed in " << fn << " (scripts/install-deps)";
    GTEST_SKIP() << "aws-xray-sdk-core is not installed in " << fn << ": run scripts/install-deps";
  }
  auto r = run_command({kSweetspot, "invoke", fn.string(), "--runtime", "nodejs20.x", "--handler", "index.handler",
                        "--memory", "512", "--timeout", "60", "--count", "2", "--json", "--trace", "--payload",
                        R"({"sleep_ms": 50, "rounds": 200000})"});
  SKIP_WITHOUT_LIMITS(r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto records = records_of(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  for (const auto& rec : records) {
    EXPECT_EQ(rec["response"]["trace"], rec["trace"]["header"]);
    const json* fn_segment = function_segment(rec);
    ASSERT_NE(fn_segment, nullptr) << rec.dump();
    auto names = by_name(rec);
    for (const char* part : {"wait", "compute"}) {
      ASSERT_EQ(names.count(part), 1u) << part << ": " << rec.dump(1) << r.err;
      EXPECT_EQ(names[part]["parent_id"], (*fn_segment)["id"]) << part;
      EXPECT_EQ(names[part]["trace_id"], (*fn_segment)["trace_id"]) << part;
    }
    EXPECT_GE(names["wait"]["duration_ms"].get<double>(), 45.0);
  }
}

// A function that sends its own datagrams to AWS_XRAY_DAEMON_ADDRESS: garbage,
// an oversize one, then a flood of valid subsegments.
constexpr const char* kNoisyFunction = R"(import json
import os
import socket
import time


def handler(event, context):
    host, port = os.environ["AWS_XRAY_DAEMON_ADDRESS"].split(":")
    to = (host, int(port))
    fields = dict(f.split("=", 1) for f in os.environ["_X_AMZN_TRACE_ID"].split(";"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    header = '{"format":"json","version":1}\n'
    sock.sendto(b"not the X-Ray protocol", to)
    sock.sendto((header + '{"id": "abc", "name": truncated').encode(), to)
    sock.sendto((header + " " * 65000).encode(), to)
    now = time.time()
    sent = 0
    for batch in range(event["batches"]):
        for i in range(100):
            doc = {"id": "%016x" % (sent + 1), "name": "flood", "start_time": now, "end_time": now + 0.001,
                   "type": "subsegment", "trace_id": fields["Root"], "parent_id": fields["Parent"]}
            sock.sendto((header + json.dumps(doc)).encode(), to)
            sent += 1
        time.sleep(0.005)  # lets the listener keep up on a loaded machine
    return {"sent": sent}
)";

TEST(XRay, MalformedOversizeAndFloodingDatagramsAreCountedAndTheRunGoesOn) {
  FunctionDir fn;
  fn.write("app.py", kNoisyFunction);
  auto r = run_command({kSweetspot, "invoke", fn.path().string(), "--runtime", "python3.12", "--handler", "app.handler",
                        "--memory", "512", "--timeout", "60", "--count", "2", "--json", "--payload",
                        R"({"batches": 12})"});
  SKIP_WITHOUT_LIMITS(r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto records = records_of(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  for (const auto& rec : records) {
    EXPECT_EQ(rec["outcome"], "success");
    EXPECT_EQ(rec["response"]["sent"], 1200);
    int kept = 0;
    for (const auto& s : rec["trace"]["segments"]) kept += s["name"] == "flood" ? 1 : 0;
    // At most the per-invoke limit is kept; what arrived past it is counted.
    EXPECT_GT(kept, 0);
    EXPECT_LE(kept, 1000);
    EXPECT_LE(kept + rec["trace"]["droppedSubsegments"].get<int>(), 1200);
    EXPECT_NE(function_segment(rec), nullptr);
  }
  EXPECT_THAT(r.err, ::testing::ContainsRegex("X-Ray listener dropped what the function sent: [1-9][0-9]* malformed, "
                                              "[1-9][0-9]* oversize .* [1-9][0-9]* without the X-Ray header line"));
}

TEST(XRay, TuneJudgesTheSleepingPartFlatAndTheComputingPartScaling) {
  REQUIRE_PYTHON_XRAY_SDK();
  FunctionDir fn;
  fn.write("app.py", kSdkFunction);
  const std::string out = (fn.path() / "result.json").string();
  // ~20 ms of CPU at one vCPU: about 280 ms at 128 MB, 70 ms at 512 MB; the sleep stays 100 ms.
  // (100,000 rounds, ~4 ms, once looked flat: too short a burst to tell 256 MB from 512 MB.)
  auto r = run_command({kSweetspot, "tune", fn.path().string(), "--runtime", "python3.12", "--handler", "app.handler",
                        "--memory", "128,256,512", "--num", "3", "--timeout", "60", "--json", out, "--html",
                        (fn.path() / "report.html").string(), "--md", (fn.path() / "report.md").string(), "--payload",
                        R"({"sleep_ms": 100, "rounds": 500000})"},
                       {}, std::chrono::seconds(600));
  SKIP_WITHOUT_LIMITS(r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(out);
  const json result = json::parse(in, nullptr, false);
  ASSERT_FALSE(result.is_discarded());
  ASSERT_TRUE(result["traceParts"].is_object()) << result.dump(1);
  std::map<std::string, json> parts;
  for (const auto& p : result["traceParts"]["parts"]) parts[p["name"].get<std::string>()] = p;
  ASSERT_TRUE(parts.contains("wait") && parts.contains("compute")) << result["traceParts"].dump(1);
  EXPECT_EQ(parts["wait"]["verdict"], "flat") << parts["wait"].dump(1);
  EXPECT_EQ(parts["compute"]["verdict"], "scales") << parts["compute"].dump(1);
  EXPECT_EQ(parts["compute"]["sizes"].size(), 3u);
  // The recommendation names what limits the function at its size.
  EXPECT_TRUE(result["traceParts"]["limitingPart"].is_object());
  EXPECT_THAT(r.out, HasSubstr("Where the time goes"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("% of the time is "));
  // The reports carry the parts: a table in the Markdown, and in the HTML a
  // stacked chart that Chromium shows with a segment per part per size.
  std::ifstream md(fn.path() / "report.md");
  const std::string markdown((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_THAT(markdown, HasSubstr("#### Where the time goes"));
  EXPECT_THAT(markdown, ::testing::ContainsRegex("\\| compute \\|.*\\| scales with CPU \\|"));
  SWEETSPOT_CHECK_IN_BROWSER(fn.path() / "report.html", out,
                             fs::path(SWEETSPOT_BINARY_DIR) / "test-artifacts/reports/xray");
}

}  // namespace
}  // namespace sweetspot::cli
