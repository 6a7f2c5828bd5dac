#include "engine/runtime_launch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "util/testing/test_files.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using util::test_support::error_of;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sets (or unsets) a variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

class RuntimeLaunchTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(tree_ / "code"); }

  fs::path write(const std::string& relative, bool executable = false) {
    return tree_.write(relative, "#!/bin/sh\n", executable);
  }

  FunctionConfig config(RuntimeFamily family, std::string runtime_id, std::string handler) {
    FunctionConfig c;
    c.name = "fn";
    c.code_dir = tree_.root() / "code";
    c.runtime = family;
    c.runtime_id = std::move(runtime_id);
    c.handler = std::move(handler);
    return c;
  }

  util::test_support::TempTree tree_;
};

TEST_F(RuntimeLaunchTest, CustomRuntimeStartsTheExecutableBootstrap) {
  const auto c = config(RuntimeFamily::kProvided, "provided.al2023", "my.handler");
  EXPECT_THAT(error_of(launch_spec(c)), HasSubstr("bootstrap is missing"));

  write("code/bootstrap");
  EXPECT_THAT(error_of(launch_spec(c)), HasSubstr("chmod +x"));

  fs::permissions(tree_.root() / "code/bootstrap", fs::perms::owner_all, fs::perm_options::add);
  auto spec = launch_spec(c);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv, std::vector<std::string>{(tree_.root() / "code/bootstrap").string()});
  EXPECT_EQ(spec->working_dir, tree_.root() / "code");
  EXPECT_EQ(spec->runtime_dir, tree_.root() / "code");
  // Lambda's reserved variables come from the one builder, not from here.
  EXPECT_FALSE(spec->env.contains("_HANDLER"));
  EXPECT_FALSE(spec->env.contains("AWS_EXECUTION_ENV"));
}

TEST_F(RuntimeLaunchTest, PythonRunsOurBootstrapWithAnInterpreter) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", nullptr);  // the source tree's runtimes/
  auto spec = launch_spec(config(RuntimeFamily::kPython, "python3.12", "app.handler"));
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_EQ(spec->argv.size(), 2u);
  EXPECT_TRUE(fs::path(spec->argv[0]).is_absolute());
  EXPECT_EQ(::access(spec->argv[0].c_str(), X_OK), 0);
  EXPECT_EQ(fs::path(spec->argv[1]), fs::path(SWEETSPOT_SOURCE_DIR) / "runtimes/python/bootstrap.py");
  EXPECT_EQ(spec->env.at("PYTHONUNBUFFERED"), "1");
  EXPECT_EQ(spec->runtime_dir, fs::path(SWEETSPOT_SOURCE_DIR) / "runtimes/python");
}

TEST_F(RuntimeLaunchTest, PythonInterpreterCanBeChosen) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", nullptr);
  auto c = config(RuntimeFamily::kPython, "python3.12", "app.handler");
  const fs::path fake = write("bin/mypython", /*executable=*/true);
  // A binary-looking interpreter (no #! line) is used as given.
  std::ofstream(fake) << "ELF";
  c.python = fake;
  auto spec = launch_spec(c);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv[0], fake.string());

  c.python = tree_.root() / "bin/none";
  EXPECT_THAT(error_of(launch_spec(c)), HasSubstr("--python"));
}

TEST_F(RuntimeLaunchTest, PythonWrapperScriptIsResolvedToTheRealInterpreter) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", nullptr);
  auto c = config(RuntimeFamily::kPython, "python3.12", "app.handler");
  // A wrapper like pyenv's shim: a script that execs the real interpreter.
  const fs::path wrapper = write("bin/python-wrapper", /*executable=*/true);
  std::ofstream(wrapper) << "#!/bin/sh\nexec python3 \"$@\"\n";
  c.python = wrapper;
  auto spec = launch_spec(c);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_NE(spec->argv[0], wrapper.string());
  EXPECT_THAT(spec->argv[0], HasSubstr("python"));
  EXPECT_EQ(::access(spec->argv[0].c_str(), X_OK), 0);
}

TEST_F(RuntimeLaunchTest, NodeWithoutTheRuntimeClientSaysToInstallIt) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", (tree_.root() / "runtimes").c_str());
  EXPECT_THAT(error_of(launch_spec(config(RuntimeFamily::kNode, "nodejs20.x", "index.handler"))),
              AllOf(HasSubstr("aws-lambda-ric"), HasSubstr("scripts/install-deps")));
}

TEST_F(RuntimeLaunchTest, NodeGetsLambdasHeapLimitsForItsMemory) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", (tree_.root() / "runtimes").c_str());
  write("runtimes/node/node_modules/aws-lambda-ric/dist/rapid-client.node");
  write("runtimes/node/bootstrap.mjs");
  auto c = config(RuntimeFamily::kNode, "nodejs20.x", "index.handler");
  c.memory_mb = 1024;
  auto spec = launch_spec(c);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_THAT(spec->argv, Contains("--max-old-space-size=922"));  // 1024 - 1024/10
  EXPECT_THAT(spec->argv, Contains("--max-semi-space-size=51"));  // 1024/10/2
  EXPECT_EQ(spec->argv.back(), (tree_.root() / "runtimes/node/bootstrap.mjs").string());
  EXPECT_EQ(spec->env.at("NODE_PATH"), (tree_.root() / "code").string());
  EXPECT_EQ(spec->runtime_dir, tree_.root() / "runtimes/node");
}

TEST_F(RuntimeLaunchTest, LayersJoinThePathsLambdaGivesOpt) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", (tree_ / "runtimes").c_str());
  write("runtimes/node/node_modules/aws-lambda-ric/dist/rapid-client.node");
  write("runtimes/node/bootstrap.mjs");
  write("runtimes/python/bootstrap.py");
  write("first/python/lib/python3.12/site-packages/a.py");
  write("first/bin/tool", true);
  write("second/python/b.py");
  write("second/nodejs/node_modules/m/index.js");
  write("second/nodejs/node20/node_modules/n/index.js");
  write("second/lib/libx.so");

  auto python = config(RuntimeFamily::kPython, "python3.12", "app.handler");
  python.layers = {tree_ / "first", tree_ / "second"};
  auto spec = launch_spec(python);
  ASSERT_TRUE(spec) << spec.error().message;
  // The last layer is searched first, as its files replace earlier ones in /opt.
  EXPECT_EQ(spec->env.at("PYTHONPATH"), (tree_ / "second/python").string() + ":" +
                                            (tree_ / "first/python/lib/python3.12/site-packages").string() + ":" +
                                            (tree_ / "first/python").string());
  EXPECT_THAT(spec->env.at("PATH"), StartsWith((tree_ / "first/bin").string() + ":"));
  EXPECT_THAT(spec->env.at("LD_LIBRARY_PATH"), HasSubstr((tree_ / "second/lib").string()));

  auto node = config(RuntimeFamily::kNode, "nodejs20.x", "index.handler");
  node.layers = python.layers;
  spec = launch_spec(node);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->env.at("NODE_PATH"), (tree_ / "second/nodejs/node20/node_modules").string() + ":" +
                                           (tree_ / "second/nodejs/node_modules").string() + ":" +
                                           (tree_ / "code").string());
}

TEST_F(RuntimeLaunchTest, LambdasLayoutMountsCodeRuntimeAndLayersWhereLambdaHasThem) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", (tree_ / "runtimes").c_str());
  write("runtimes/python/bootstrap.py");
  write("runtimes/node/node_modules/aws-lambda-ric/dist/rapid-client.node");
  write("runtimes/node/bootstrap.mjs");
  write("code/bootstrap", true);
  write("first/python/lib/python3.12/site-packages/a.py");
  write("first/bin/tool", true);
  write("second/python/b.py");
  write("second/nodejs/node_modules/m/index.js");
  write("second/lib/libx.so");

  auto provided = config(RuntimeFamily::kProvided, "provided.al2023", "h");
  provided.layers = {tree_ / "first", tree_ / "second"};
  auto spec = launch_spec(provided, PathLayout::kLambda);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv, std::vector<std::string>{"/var/task/bootstrap"});
  EXPECT_EQ(spec->working_dir, "/var/task");
  EXPECT_EQ(spec->runtime_dir, "/var/runtime");
  EXPECT_THAT(spec->env.at("PATH"), StartsWith("/opt/bin:"));
  EXPECT_THAT(spec->env.at("LD_LIBRARY_PATH"), StartsWith("/var/task:/var/task/lib:/opt/lib"));
  EXPECT_EQ(spec->view.scratch_dirs, std::vector<fs::path>{"/var"});
  ASSERT_EQ(spec->view.mounts.size(), 1u);
  EXPECT_EQ(spec->view.mounts[0].source, tree_ / "code");
  EXPECT_EQ(spec->view.mounts[0].target, "/var/task");
  EXPECT_EQ(spec->view.merged_target, "/opt");
  EXPECT_EQ(spec->view.merged_sources, (std::vector<fs::path>{tree_ / "first", tree_ / "second"}));

  auto python = config(RuntimeFamily::kPython, "python3.12", "app.handler");
  python.layers = provided.layers;
  spec = launch_spec(python, PathLayout::kLambda);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv[1], "/var/runtime/bootstrap.py");
  EXPECT_EQ(spec->env.at("PYTHONPATH"), "/opt/python/lib/python3.12/site-packages:/opt/python");
  ASSERT_EQ(spec->view.mounts.size(), 2u);
  EXPECT_EQ(spec->view.mounts[1].source, tree_ / "runtimes/python");
  EXPECT_EQ(spec->view.mounts[1].target, "/var/runtime");

  auto node = config(RuntimeFamily::kNode, "nodejs20.x", "index.handler");
  node.layers = provided.layers;
  spec = launch_spec(node, PathLayout::kLambda);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv.back(), "/var/runtime/bootstrap.mjs");
  EXPECT_EQ(spec->env.at("NODE_PATH"), "/opt/nodejs/node_modules:/var/task");

  // Without layers nothing is merged, and the host's /opt is hidden by an empty one.
  provided.layers.clear();
  spec = launch_spec(provided, PathLayout::kLambda);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_TRUE(spec->view.merged_sources.empty());
  if (fs::is_directory("/opt")) {
    EXPECT_EQ(spec->view.scratch_dirs, (std::vector<fs::path>{"/var", "/opt"}));
  }
}

TEST_F(RuntimeLaunchTest, AnInterpreterUnderTmpStaysVisibleInThePrivateTmp) {
  ScopedEnv dir("SWEETSPOT_RUNTIMES_DIR", (tree_ / "runtimes").c_str());
  write("runtimes/python/bootstrap.py");
  util::test_support::TempTree under_tmp(fs::path("/tmp"));
  const fs::path python = under_tmp.write("venv/bin/python3", "ELF", true);
  auto c = config(RuntimeFamily::kPython, "python3.12", "app.handler");
  c.python = python;
  auto spec = launch_spec(c, PathLayout::kLambda);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->argv[0], python.string());
  EXPECT_EQ(spec->view.kept_in_tmp, std::vector<fs::path>{under_tmp / "venv"});
}

TEST(CallerAwsEnvironmentTest, PassesCredentialsRegionAndEndpointsOnly) {
  ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "secret-example");
  ScopedEnv region("AWS_REGION", "eu-west-1");
  ScopedEnv endpoint("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
  ScopedEnv s3("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:5001");
  ScopedEnv token("AWS_SESSION_TOKEN", nullptr);
  ScopedEnv profile("AWS_PROFILE", "someone");
  const auto env = caller_aws_environment();
  EXPECT_EQ(env.at("AWS_ACCESS_KEY_ID"), "AKIDEXAMPLE");
  EXPECT_EQ(env.at("AWS_SECRET_ACCESS_KEY"), "secret-example");
  EXPECT_EQ(env.at("AWS_REGION"), "eu-west-1");
  EXPECT_EQ(env.at("AWS_ENDPOINT_URL"), "http://127.0.0.1:5000");
  EXPECT_EQ(env.at("AWS_ENDPOINT_URL_S3"), "http://127.0.0.1:5001");
  EXPECT_FALSE(env.contains("AWS_SESSION_TOKEN"));
  EXPECT_FALSE(env.contains("AWS_PROFILE"));
}

}  // namespace
}  // namespace sweetspot::engine
