// Lambda's filesystem inside an execution environment: the code read-only at
// /var/task, layers merged at /opt, the host read-only, /tmp the only writable
// place; code and layers from anywhere, also from under the host's /tmp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/execution_environment.h"
#include "util/testing/test_files.h"
#include "engine/testing/cgroup_guard.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::Invocation;
using engine_api::RuntimeFamily;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kOpsBootstrap = fs::path(SWEETSPOT_BINARY_DIR) / "testdata/functions/ops/bootstrap";

FunctionConfig ops_in(const fs::path& code_dir) {
  FunctionConfig config;
  config.name = "fs";
  config.code_dir = code_dir;
  config.runtime = RuntimeFamily::kProvided;
  config.memory_mb = 256;
  config.timeout_s = 30;
  return config;
}

json probe(const sandbox::CgroupHost& host, const FunctionConfig& config, const json& event) {
  EnvironmentOptions options;
  options.cgroup_host = &host;
  auto env = ExecutionEnvironment::create(config, options);
  EXPECT_TRUE(env.has_value()) << env.error().message;
  if (!env) return {};
  const Invocation inv = (*env)->invoke(event.dump());
  EXPECT_TRUE(inv.ok()) << inv.response;
  return inv.ok() ? json::parse(inv.response) : json{};
}

TEST(LambdaFilesystem, CodeIsReadOnlyAtVarTaskAndOnlyTmpIsWritable) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  util::test_support::TempTree tree(fs::path(SWEETSPOT_BINARY_DIR));
  fs::create_directories(tree / "code");
  fs::copy_file(kOpsBootstrap, tree / "code/bootstrap");
  tree.write("code/data.txt", "beside the code");
  const json out = probe(host, ops_in(tree / "code"),
                         {{"op", "fs_probe"},
                          {"write", {"/var/task/new.txt", "/tmp/scratch.txt", "/etc/sweetspot-probe", "/opt/x"}},
                          {"read", {"/var/task/data.txt"}},
                          {"list", {"/opt"}}});
  EXPECT_EQ(out["cwd"], "/var/task");
  EXPECT_EQ(out["lists"]["/opt"], json::array()) << "no layers: /opt is empty, as on Lambda";
  EXPECT_EQ(out["writes"]["/var/task/new.txt"], "Read-only file system") << out.dump();
  EXPECT_EQ(out["writes"]["/tmp/scratch.txt"], "ok");
  EXPECT_EQ(out["writes"]["/etc/sweetspot-probe"], "Read-only file system");
  EXPECT_EQ(out["reads"]["/var/task/data.txt"], "beside the code");
  EXPECT_FALSE(fs::exists(tree / "code/new.txt"));
  EXPECT_FALSE(fs::exists("/etc/sweetspot-probe"));
}

TEST(LambdaFilesystem, CodeAndLayersUnderTheHostsTmpJustWork) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  util::test_support::TempTree tree(fs::temp_directory_path());  // under /tmp
  fs::create_directories(tree / "code");
  fs::copy_file(kOpsBootstrap, tree / "code/bootstrap");
  tree.write("first/shared.txt", "from the first layer");
  tree.write("first/only-first.txt", "first");
  tree.write("second/shared.txt", "from the second layer");
  FunctionConfig config = ops_in(tree / "code");
  config.layers = {tree / "first", tree / "second"};
  const json out = probe(host, config,
                         {{"op", "fs_probe"},
                          {"write", {"/opt/new.txt"}},
                          {"read", {"/opt/shared.txt", "/opt/only-first.txt"}}});
  EXPECT_EQ(out["reads"]["/opt/shared.txt"], "from the second layer") << "a later layer's files win";
  EXPECT_EQ(out["reads"]["/opt/only-first.txt"], "first");
  EXPECT_EQ(out["writes"]["/opt/new.txt"], "Read-only file system");
}

TEST(LambdaFilesystem, ALayerThatCannotBeReachedIsNamed) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  util::test_support::TempTree tree(fs::temp_directory_path());
  fs::create_directories(tree / "code");
  fs::copy_file(kOpsBootstrap, tree / "code/bootstrap");
  FunctionConfig config = ops_in(tree / "code");
  config.layers = {tree / "no-such-layer"};
  EnvironmentOptions options;
  options.cgroup_host = &host;
  auto env = ExecutionEnvironment::create(config, options);
  ASSERT_FALSE(env.has_value());
  EXPECT_NE(env.error().message.find((tree / "no-such-layer").string()), std::string::npos) << env.error().message;
  EXPECT_NE(env.error().message.find("does not exist"), std::string::npos) << env.error().message;
}

}  // namespace
}  // namespace sweetspot::engine
