#include "engine/environment_variables.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

namespace {

using ::testing::Contains;
using Vars = std::map<std::string, std::string>;

FunctionConfig python_function() {
  FunctionConfig c;
  c.name = "orders";
  c.runtime = RuntimeFamily::kPython;
  c.runtime_id = "python3.12";
  c.handler = "app.handler";
  c.memory_mb = 512;
  return c;
}

LaunchSpec lambda_layout() {
  LaunchSpec launch;
  launch.working_dir = kTaskRoot;
  launch.runtime_dir = kRuntimeRoot;
  launch.env = {{"PATH", "/opt/bin:/usr/bin"}, {"PYTHONPATH", "/opt/python"}};
  return launch;
}

const RuntimeSite kSite{.runtime_api = "127.0.0.1:9001", .log_stream = "2026/11/28/[$LATEST]abc", .region = "eu-west-1",
                          .xray_daemon = std::nullopt};

TEST(LambdaEnvironment, HasEveryVariableLambdaSets) {
  const Vars vars = lambda_environment(python_function(), lambda_layout(), kSite, {});
  // FACTS.md's list, with Lambda's values for this function.
  const Vars expected = {
      {"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"},
      {"_HANDLER", "app.handler"},
      {"LAMBDA_TASK_ROOT", "/var/task"},
      {"LAMBDA_RUNTIME_DIR", "/var/runtime"},
      {"AWS_LAMBDA_FUNCTION_NAME", "orders"},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders"},
      {"AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/28/[$LATEST]abc"},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
      {"AWS_EXECUTION_ENV", "AWS_Lambda_python3.12"},
      {"AWS_REGION", "eu-west-1"},
      {"AWS_DEFAULT_REGION", "eu-west-1"},
      {"TZ", ":UTC"},
      {"LANG", "en_US.UTF-8"},
      {"PATH", "/opt/bin:/usr/bin"},
      {"PYTHONPATH", "/opt/python"},
  };
  EXPECT_EQ(vars, expected);
}

TEST(LambdaEnvironment, ACustomRuntimeGetsNoExecutionEnv) {
  FunctionConfig c = python_function();
  c.runtime = RuntimeFamily::kProvided;
  c.runtime_id = "provided.al2023";
  EXPECT_FALSE(lambda_environment(c, lambda_layout(), kSite, {}).contains("AWS_EXECUTION_ENV"));
}

TEST(LambdaEnvironment, ReservedVariablesWinOverTheFunctionsAndTheCallers) {
  FunctionConfig c = python_function();
  c.environment = {{"_HANDLER", "evil.handler"}, {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "10240"}, {"STAGE", "prod"},
                   {"PATH", "/mine"}};
  const Vars caller = {{"AWS_LAMBDA_RUNTIME_API", "10.0.0.1:1"}, {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}};
  const Vars vars = lambda_environment(c, lambda_layout(), kSite, caller);
  EXPECT_EQ(vars.at("_HANDLER"), "app.handler");
  EXPECT_EQ(vars.at("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "512");
  EXPECT_EQ(vars.at("AWS_LAMBDA_RUNTIME_API"), "127.0.0.1:9001");
  // Not reserved: the function's own and the caller's credentials pass through,
  // and the function's PATH replaces the runtime's.
  EXPECT_EQ(vars.at("STAGE"), "prod");
  EXPECT_EQ(vars.at("AWS_ACCESS_KEY_ID"), "AKIDEXAMPLE");
  EXPECT_EQ(vars.at("PATH"), "/mine");
}

TEST(LambdaEnvironment, RegionComesFromTheCallerThenTheFunctionElseTheSite) {
  FunctionConfig c = python_function();
  EXPECT_EQ(lambda_environment(c, lambda_layout(), kSite, {{"AWS_REGION", "ap-south-1"}}).at("AWS_REGION"),
            "ap-south-1");
  c.environment["AWS_REGION"] = "us-west-2";
  Vars vars = lambda_environment(c, lambda_layout(), kSite, {{"AWS_REGION", "ap-south-1"}});
  EXPECT_EQ(vars.at("AWS_REGION"), "us-west-2");
  EXPECT_EQ(vars.at("AWS_DEFAULT_REGION"), "us-west-2");
  vars = lambda_environment(c, lambda_layout(), kSite, {{"AWS_DEFAULT_REGION", "sa-east-1"}});
  EXPECT_EQ(vars.at("AWS_DEFAULT_REGION"), "sa-east-1");
}

TEST(LambdaEnvironment, TimeZoneAndLocaleAreDefaultsAFunctionMayChange) {
  FunctionConfig c = python_function();
  c.environment = {{"TZ", "Europe/Paris"}, {"LANG", "fr_FR.UTF-8"}};
  const Vars vars = lambda_environment(c, lambda_layout(), kSite, {});
  EXPECT_EQ(vars.at("TZ"), "Europe/Paris");
  EXPECT_EQ(vars.at("LANG"), "fr_FR.UTF-8");
}

TEST(LambdaEnvironment, XRayDaemonIsNamedOnlyWhenThereIsOne) {
  EXPECT_FALSE(lambda_environment(python_function(), lambda_layout(), kSite, {}).contains("AWS_XRAY_DAEMON_ADDRESS"));
  RuntimeSite site = kSite;
  site.xray_daemon = "127.0.0.1:2000";
  const Vars vars = lambda_environment(python_function(), lambda_layout(), site, {});
  EXPECT_EQ(vars.at("AWS_XRAY_DAEMON_ADDRESS"), "127.0.0.1:2000");
  EXPECT_EQ(vars.at("AWS_XRAY_CONTEXT_MISSING"), "LOG_ERROR");
}

TEST(LambdaEnvironment, EnvpIsNameEqualsValue) {
  EXPECT_THAT(to_envp(lambda_environment(python_function(), lambda_layout(), kSite, {})),
              Contains("AWS_LAMBDA_FUNCTION_NAME=orders"));
  EXPECT_EQ(to_envp({{"A", "1=2"}, {"B", ""}}), (std::vector<std::string>{"A=1=2", "B="}));
}

}  // namespace
}  // namespace sweetspot::engine
