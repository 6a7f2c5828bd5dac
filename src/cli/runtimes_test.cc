// End to end: the sweetspot binary runs real Python and Node.js handlers, the
// examples and a SAM template, as a user runs them, and the tests check what the
// user sees (stdout, stderr, exit status).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/moto_server.h"
#include "cli/test_command.h"
#include "cli/test_function_dir.h"
#include "util/testing/test_files.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::CommandResult;
using test_support::run_command;
using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kSweetspot = fs::path(SWEETSPOT_BINARY_DIR) / "src/cli/sweetspot";
const fs::path kExamples = fs::path(SWEETSPOT_SOURCE_DIR) / "examples";

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

using test_support::FunctionDir;

struct Invoke {
  CommandResult run;
  json record;  // the first --json record on stdout

  const json& error() const { return record.at("error"); }
};

class RuntimesTest : public ::testing::Test {
 protected:
  // `sweetspot invoke <args> --json`; skips the test when this host cannot enforce
  // Lambda's limits (not root, no cgroups), except in CI where that is a failure.
  Invoke invoke(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {kSweetspot.string(), "invoke", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    Invoke result{run_command(argv, env), json()};
    if (result.run.exit_code == 3 && !in_ci()) {
      skipped_ = true;
      return result;
    }
    EXPECT_FALSE(result.run.timed_out);
    const auto newline = result.run.out.find('\n');
    result.record = json::parse(result.run.out.substr(0, newline), nullptr, false);
    EXPECT_FALSE(result.record.is_discarded()) << "stdout: " << result.run.out << "\nstderr: " << result.run.err;
    if (result.record.is_discarded()) result.record = json::object();
    return result;
  }

  // Fails the current test with the command's output when it did not succeed.
  static void expect_success(const Invoke& r) {
    EXPECT_EQ(r.run.exit_code, 0) << "stdout: " << r.run.out << "\nstderr: " << r.run.err;
    EXPECT_EQ(r.record.value("outcome", ""), "success") << r.run.out << r.run.err;
  }

  static void expect_error(const Invoke& r, const std::string& outcome, const std::string& type) {
    EXPECT_EQ(r.run.exit_code, 1) << "stdout: " << r.run.out << "\nstderr: " << r.run.err;
    EXPECT_EQ(r.record.value("outcome", ""), outcome) << r.run.out;
    ASSERT_TRUE(r.record.contains("error") && r.record["error"].is_object()) << r.run.out;
    EXPECT_EQ(r.error().value("errorType", ""), type) << r.run.out;
  }

  bool skipped_ = false;
};

#define SKIP_IF_NO_LIMITS(r)                                                                      \
  if (skipped_) {                                                                                 \
    GTEST_SKIP() << "this host cannot enforce Lambda's limits (run as root): " << (r).run.err; \
  }

// --- Python ------------------------------------------------------------------

constexpr const char* kPythonFunction = R"(import json
import logging
import time

logger = logging.getLogger()

def handler(event, context):
    print("event", json.dumps(event))
    logger.warning("about to answer")
    first = context.get_remaining_time_in_millis()
    time.sleep(event.get("sleep", 0))
    return {
        "echo": event,
        "memory": context.memory_limit_in_mb,
        "memory_is_int": isinstance(context.memory_limit_in_mb, int),
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "log_group": context.log_group_name,
        "remaining_first": first,
        "remaining_second": context.get_remaining_time_in_millis(),
    }

def boom(event, context):
    raise ValueError("the input was wrong")

def hang(event, context):
    time.sleep(60)

def hog(event, context):
    data = b"x" * (400 << 20)
    return len(data)
)";

TEST_F(RuntimesTest, PythonHappyPathWithContext) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r = invoke({fn.path().string(), "--handler", "app.handler", "--memory", "256", "--payload", R"({"a": 1})"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  const json& response = r.record["response"];
  EXPECT_EQ(response["echo"], json({{"a", 1}}));
  EXPECT_EQ(response["memory"], 256);
  EXPECT_TRUE(response["memory_is_int"].get<bool>());
  EXPECT_EQ(response["function_name"], fn.path().filename().string());
  EXPECT_EQ(response["request_id"], r.record["requestId"]);
  // Unqualified (invoked without one), in the local account; the region is the user's AWS_REGION.
  EXPECT_THAT(response["arn"].get<std::string>(),
              AllOf(StartsWith("arn:aws:lambda:"), EndsWith(":123456789012:function:" + fn.path().filename().string())));
  EXPECT_EQ(response["log_group"], "/aws/lambda/" + fn.path().filename().string());
  EXPECT_GT(response["remaining_first"].get<int>(), 0);
  EXPECT_LE(response["remaining_first"].get<int>(), 3000);
  // The function's own output reaches the log, between START and END.
  EXPECT_THAT(r.run.err, HasSubstr("event {\"a\": 1}\n"));
  EXPECT_THAT(r.run.err, ::testing::ContainsRegex("\\[WARNING\\]\t[0-9T:.-]+Z\t[0-9a-f-]{36}\tabout to answer"));
  EXPECT_THAT(r.run.err, HasSubstr("Memory Size: 256 MB"));
}

TEST_F(RuntimesTest, PythonRemainingTimeFallsAsTheDeadlineNears) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r =
      invoke({fn.path().string(), "--handler", "app.handler", "--timeout", "10", "--payload", R"({"sleep": 0.5})"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  const int first = r.record["response"]["remaining_first"];
  const int second = r.record["response"]["remaining_second"];
  EXPECT_LE(first, 10000);
  EXPECT_GT(first, 5000);
  EXPECT_LE(second, first - 400);  // slept 500 ms
}

TEST_F(RuntimesTest, PythonHandlerNotFound) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r = invoke({fn.path().string(), "--handler", "app.nope"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "init error", "Runtime.HandlerNotFound");
  EXPECT_EQ(r.error()["errorMessage"], "Handler 'nope' missing on module 'app'");
}

TEST_F(RuntimesTest, PythonImportError) {
  FunctionDir fn;
  fn.write("app.py", "import not_installed_anywhere\n\ndef handler(e, c):\n    return 1\n");
  const auto r = invoke({fn.path().string(), "--handler", "app.handler"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "init error", "Runtime.ImportModuleError");
  EXPECT_EQ(r.error()["errorMessage"], "Unable to import module 'app': No module named 'not_installed_anywhere'");
}

TEST_F(RuntimesTest, PythonUncaughtException) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r = invoke({fn.path().string(), "--handler", "app.boom"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "function error", "ValueError");
  const json& body = r.error()["body"];
  EXPECT_EQ(body["errorMessage"], "the input was wrong");
  EXPECT_EQ(body["requestId"], r.record["requestId"]);
  ASSERT_TRUE(body["stackTrace"].is_array());
  ASSERT_FALSE(body["stackTrace"].empty());
  EXPECT_THAT(body["stackTrace"][0].get<std::string>(), ::testing::ContainsRegex("app.py\", line [0-9]+, in boom"));
  EXPECT_THAT(r.run.err, HasSubstr("[ERROR] ValueError: the input was wrong"));
}

TEST_F(RuntimesTest, PythonTimeout) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r = invoke({fn.path().string(), "--handler", "app.hang", "--timeout", "1"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "timeout", "Sandbox.Timedout");
  EXPECT_THAT(r.error()["errorMessage"].get<std::string>(), HasSubstr("Task timed out after 1.00 seconds"));
}

TEST_F(RuntimesTest, PythonOutOfMemory) {
  FunctionDir fn;
  fn.write("app.py", kPythonFunction);
  const auto r = invoke({fn.path().string(), "--handler", "app.hog", "--memory", "128", "--timeout", "30"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "out of memory", "Runtime.OutOfMemory");
  EXPECT_EQ(r.record["maxMemoryUsedMb"], 128);
}

// --- Node.js -----------------------------------------------------------------

constexpr const char* kNodeModule = R"(// ES module, async handlers
export const handler = async (event, context) => {
  console.log("event", JSON.stringify(event));
  const first = context.getRemainingTimeInMillis();
  await new Promise((resolve) => setTimeout(resolve, (event.sleep ?? 0) * 1000));
  return {
    echo: event,
    memory: Number(context.memoryLimitInMB),
    functionName: context.functionName,
    requestId: context.awsRequestId,
    arn: context.invokedFunctionArn,
    remainingFirst: first,
    remainingSecond: context.getRemainingTimeInMillis(),
  };
};

export const boom = async () => {
  throw new TypeError("the input was wrong");
};

export const hang = async () => new Promise((resolve) => setTimeout(resolve, 60000));

export const hog = async () => {
  const big = Buffer.alloc(400 * 1024 * 1024, 1);
  return big.length;
};
)";

constexpr const char* kNodeCommonJs = R"(// CommonJS, callback style
exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { style: "callback", memory: Number(context.memoryLimitInMB), echo: event }), 10);
};
)";

TEST_F(RuntimesTest, NodeEsModuleHappyPathWithContext) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--memory", "256", "--payload", R"({"a": 1})"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  const json& response = r.record["response"];
  EXPECT_EQ(response["echo"], json({{"a", 1}}));
  EXPECT_EQ(response["memory"], 256);
  EXPECT_EQ(response["functionName"], fn.path().filename().string());
  EXPECT_EQ(response["requestId"], r.record["requestId"]);
  EXPECT_GT(response["remainingFirst"].get<int>(), 0);
  EXPECT_LE(response["remainingFirst"].get<int>(), 3000);
  EXPECT_THAT(r.run.err, ::testing::ContainsRegex("[0-9T:.-]+Z\t[0-9a-f-]{36}\tINFO\tevent \\{\"a\":1\\}"));
  EXPECT_THAT(r.run.err, HasSubstr("Memory Size: 256 MB"));
}

TEST_F(RuntimesTest, NodeCommonJsCallbackHandler) {
  FunctionDir fn;
  fn.write("app.js", kNodeCommonJs);
  const auto r = invoke({fn.path().string(), "--handler", "app.handler", "--memory", "512", "--payload", "[1,2]"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  EXPECT_EQ(r.record["response"], json({{"style", "callback"}, {"memory", 512}, {"echo", json::array({1, 2})}}));
}

TEST_F(RuntimesTest, NodeRemainingTimeFallsAsTheDeadlineNears) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--timeout", "10", "--payload", R"({"sleep": 0.5})"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  const int first = r.record["response"]["remainingFirst"];
  const int second = r.record["response"]["remainingSecond"];
  EXPECT_LE(first, 10000);
  EXPECT_GT(first, 5000);
  EXPECT_LE(second, first - 400);
}

TEST_F(RuntimesTest, NodeHandlerNotFound) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--handler", "index.nope"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "init error", "Runtime.HandlerNotFound");
  EXPECT_EQ(r.error()["errorMessage"], "index.nope is undefined or not exported");
}

TEST_F(RuntimesTest, NodeImportError) {
  FunctionDir fn;
  fn.write("index.js", "require('not-installed-anywhere');\nexports.handler = async () => 1;\n");
  const auto r = invoke({fn.path().string()});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "init error", "Runtime.ImportModuleError");
  EXPECT_THAT(r.error()["errorMessage"].get<std::string>(),
              StartsWith("Error: Cannot find module 'not-installed-anywhere'"));
}

TEST_F(RuntimesTest, NodeUncaughtException) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--handler", "index.boom"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "function error", "TypeError");
  EXPECT_EQ(r.error()["errorMessage"], "the input was wrong");
  EXPECT_THAT(r.run.err, HasSubstr("ERROR\tInvoke Error"));
}

TEST_F(RuntimesTest, NodeTimeout) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--handler", "index.hang", "--timeout", "1"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "timeout", "Sandbox.Timedout");
  EXPECT_THAT(r.error()["errorMessage"].get<std::string>(), HasSubstr("Task timed out after 1.00 seconds"));
}

TEST_F(RuntimesTest, NodeOutOfMemory) {
  FunctionDir fn;
  fn.write("index.mjs", kNodeModule);
  const auto r = invoke({fn.path().string(), "--handler", "index.hog", "--memory", "128", "--timeout", "30"});
  SKIP_IF_NO_LIMITS(r);
  expect_error(r, "out of memory", "Runtime.OutOfMemory");
  EXPECT_EQ(r.record["maxMemoryUsedMb"], 128);
}

// --- Examples ----------------------------------------------------------------

TEST_F(RuntimesTest, HelloNodeExample) {
  const auto r = invoke({(kExamples / "hello-node").string(), "--payload", R"({"name": "tuner"})"});
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  EXPECT_EQ(r.record["response"]["body"], "Hello, tuner!");
  EXPECT_EQ(r.record["response"]["memoryLimitInMB"], 128);
}

TEST_F(RuntimesTest, SamTemplateFunctionsByLogicalIdWithGlobals) {
  const std::string tmpl = (kExamples / "sam-app/template.yaml").string();
  const auto py = invoke({"--template", tmpl, "--function", "PythonGreeter"});
  SKIP_IF_NO_LIMITS(py);
  expect_success(py);
  EXPECT_EQ(py.record["response"],
            json({{"message", "Hello from Python"}, {"stage", "local"}, {"function", "PythonGreeter"}, {"memory", 512}}));
  EXPECT_EQ(py.record["memorySizeMb"], 512);  // the function's own MemorySize

  const auto node = invoke({"--template", tmpl, "--function", "NodeGreeter"});
  expect_success(node);
  EXPECT_EQ(node.record["response"],
            json({{"message", "Hi from JavaScript"}, {"stage", "local"}, {"function", "NodeGreeter"}, {"memory", 256}}));
  EXPECT_EQ(node.record["memorySizeMb"], 256);  // Globals.Function.MemorySize

  // --memory still wins over the template, as the tuner needs.
  const auto sized = invoke({"--template", tmpl, "--function", "NodeGreeter", "--memory", "1024"});
  expect_success(sized);
  EXPECT_EQ(sized.record["response"]["memory"], 1024);

  const auto ambiguous = run_command({kSweetspot.string(), "invoke", "--template", tmpl});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_THAT(ambiguous.err, HasSubstr("--function"));
  EXPECT_THAT(ambiguous.err, HasSubstr("PythonGreeter"));
}

TEST_F(RuntimesTest, SamTemplateLayersReachPythonAndNode) {
  FunctionDir app;
  app.write("layer/python/greeting.py", "WORDS = 'hello from a layer'\n");
  app.write("layer/nodejs/node_modules/greeting/index.js", "module.exports = 'hello from a node layer';\n");
  app.write("py/app.py", "import greeting\n\ndef handler(e, c):\n    return greeting.WORDS\n");
  app.write("node/index.js", "const words = require('greeting');\nexports.handler = async () => words;\n");
  app.write("template.yaml", R"(Globals:
  Function:
    Layers: [!Ref Shared]
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
  Py:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: py, Handler: app.handler, Runtime: python3.12}
  Node:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: node, Handler: index.handler, Runtime: nodejs20.x}
)");
  const std::string tmpl = (app.path() / "template.yaml").string();
  const auto py = invoke({"--template", tmpl, "--function", "Py"});
  SKIP_IF_NO_LIMITS(py);
  expect_success(py);
  EXPECT_EQ(py.record["response"], "hello from a layer");
  const auto node = invoke({"--template", tmpl, "--function", "Node"});
  expect_success(node);
  EXPECT_EQ(node.record["response"], "hello from a node layer");
}



TEST_F(RuntimesTest, ImageProcessorExampleAgainstLocalS3) {
  test_support::MotoServer moto;
  ASSERT_TRUE(moto.wait_ready()) << moto.not_ready_message();
  const std::string endpoint = moto.url();

  // Signed requests, with the credentials the function gets too.
  auto s3 = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"curl", "-sf", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "testing:testing"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, std::chrono::seconds(60)).exit_code;
  };
  ASSERT_EQ(s3({"-X", "PUT", endpoint + "/my-image-bucket"}), 0);
  FunctionDir scratch;
  std::string image(200000, '\0');
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<char>(i * 7 % 251);
  const fs::path image_file = scratch.write("large_image.jpg", image);
  ASSERT_EQ(s3({"-T", image_file.string(), endpoint + "/my-image-bucket/raw/large_image.jpg"}), 0);

  const std::map<std::string, std::string> aws = {{"AWS_ENDPOINT_URL", endpoint},
                                                  {"AWS_ACCESS_KEY_ID", "testing"},
                                                  {"AWS_SECRET_ACCESS_KEY", "testing"},
                                                  {"AWS_SESSION_TOKEN", ""},
                                                  {"AWS_PROFILE", ""},
                                                  {"AWS_REGION", "us-east-1"}};
  const auto r = invoke({(kExamples / "image-processor").string(), "--memory", "512", "--timeout", "60", "--payload",
                         "@" + (kExamples / "image-processor/event.json").string()},
                        aws);
  SKIP_IF_NO_LIMITS(r);
  expect_success(r);
  EXPECT_EQ(r.record["response"]["statusCode"], 200) << r.record.dump();
  EXPECT_THAT(r.record["response"]["body"].get<std::string>(),
              ::testing::MatchesRegex("Image raw/large_image.jpg processed successfully\\. Duration: [0-9.]+s, "
                                      "Memory: 512MB"));

  const fs::path out = scratch.path() / "processed.jpg";
  ASSERT_EQ(s3({"-o", out.string(), endpoint + "/my-image-bucket/processed/large_image.jpg"}), 0)
      << "the function did not write processed/large_image.jpg";
  std::ifstream in(out, std::ios::binary);
  const std::string processed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(processed.size(), 2 * image.size());
  EXPECT_EQ(processed, image + image);
}

}  // namespace
}  // namespace sweetspot::cli
