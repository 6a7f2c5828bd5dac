// The pool with real execution environments of the C++ test runtime.
#include "lambda_api/environment_pool.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "engine/testing/cgroup_guard.h"

namespace sweetspot::lambda_api {
namespace {

Resolved ops(const std::string& version, int memory_mb) {
  Resolved r;
  r.function_name = "ops";
  r.version = version;
  r.state.config.name = "ops";
  r.state.config.code_dir = std::filesystem::path(SWEETSPOT_BINARY_DIR) / "testdata/functions/ops";
  r.state.config.memory_mb = memory_mb;
  r.state.config.timeout_s = 30;
  return r;
}

std::unique_ptr<EnvironmentPool> make_pool(int max_concurrency) {
  PoolOptions options;
  options.max_concurrency = max_concurrency;
  auto pool = EnvironmentPool::create(options);
  EXPECT_TRUE(pool.has_value()) << (pool ? "" : pool.error().message);
  return pool ? std::move(*pool) : nullptr;
}

engine_api::Invocation invoke_ok(EnvironmentPool& pool, const Resolved& target, const std::string& payload = "{}") {
  auto inv = pool.invoke(target, engine::InvokeInput(payload), Admission::kRejectWhenBusy);
  EXPECT_TRUE(inv.has_value()) << (inv ? "" : inv.error().message);
  EXPECT_TRUE(inv && inv->ok()) << (inv ? inv->response : "");
  return inv ? *inv : engine_api::Invocation{};
}

TEST(EnvironmentPool, ReusesAWarmEnvironmentOfTheSameConfiguration) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(4);
  ASSERT_TRUE(pool);
  EXPECT_EQ(invoke_ok(*pool, ops("$LATEST", 128)).start, engine_api::StartKind::kCold);
  EXPECT_EQ(invoke_ok(*pool, ops("$LATEST", 128)).start, engine_api::StartKind::kWarm);
  EXPECT_EQ(pool->idle_count(), 1u);
  const auto groups = engine::testing::cgroups_of(host, ::getpid());
  EXPECT_FALSE(groups.empty());
  pool->shutdown();
  EXPECT_TRUE(engine::testing::cgroups_of(host, ::getpid()).empty());
}

TEST(EnvironmentPool, AnEnvironmentOfAVersionNamesItInStartAndItsEnvironment) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(2);
  ASSERT_TRUE(pool);
  const engine_api::Invocation inv = invoke_ok(*pool, ops("4", 128), R"({"op": "env"})");
  EXPECT_NE(inv.log_tail.find("Version: 4\n"), std::string::npos) << inv.log_tail;
  EXPECT_EQ(inv.log_tail.find("$LATEST"), std::string::npos) << inv.log_tail;
  const auto vars = nlohmann::json::parse(inv.response);
  EXPECT_EQ(vars.value("AWS_LAMBDA_FUNCTION_VERSION", ""), "4");
  EXPECT_NE(vars.value("AWS_LAMBDA_LOG_STREAM_NAME", "").find("[4]"), std::string::npos);
  pool->shutdown();
}

TEST(EnvironmentPool, AChangedConfigurationReplacesTheEnvironment) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(4);
  ASSERT_TRUE(pool);
  invoke_ok(*pool, ops("$LATEST", 128));
  const engine_api::Invocation after = invoke_ok(*pool, ops("$LATEST", 256));
  EXPECT_EQ(after.start, engine_api::StartKind::kCold);
  EXPECT_EQ(after.memory_mb, 256);
  EXPECT_EQ(pool->idle_count(), 1u);  // the 128 MB one was shut down
}

TEST(EnvironmentPool, VersionsKeepTheirOwnWarmEnvironments) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(4);
  ASSERT_TRUE(pool);
  invoke_ok(*pool, ops("1", 128));
  invoke_ok(*pool, ops("$LATEST", 256));
  EXPECT_EQ(invoke_ok(*pool, ops("1", 128)).start, engine_api::StartKind::kWarm);
  EXPECT_EQ(invoke_ok(*pool, ops("$LATEST", 256)).start, engine_api::StartKind::kWarm);
  pool->retire("ops", "1");
  EXPECT_EQ(pool->idle_count(), 1u);
  EXPECT_EQ(invoke_ok(*pool, ops("1", 128)).start, engine_api::StartKind::kCold);
}

TEST(EnvironmentPool, ThrottlesOverMaxConcurrency) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  std::jthread slow([&] { invoke_ok(*pool, ops("$LATEST", 128), R"({"op":"sleep","ms":1500})"); });
  while (pool->busy_count() == 0) std::this_thread::yield();
  auto second = pool->invoke(ops("$LATEST", 128), engine::InvokeInput("{}"), Admission::kRejectWhenBusy);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kTooManyRequests);
  // Admission::kWaitForCapacity waits for the slow invoke instead.
  auto queued = pool->invoke(ops("$LATEST", 128), engine::InvokeInput("{}"), Admission::kWaitForCapacity);
  ASSERT_TRUE(queued.has_value());
  EXPECT_TRUE(queued->ok());
}

TEST(EnvironmentPool, ANewEnvironmentEvictsTheLeastRecentlyUsedIdleOneAtTheLimit) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(1);
  ASSERT_TRUE(pool);
  invoke_ok(*pool, ops("1", 128));
  invoke_ok(*pool, ops("2", 128));
  EXPECT_EQ(pool->idle_count(), 1u);
  EXPECT_EQ(invoke_ok(*pool, ops("1", 128)).start, engine_api::StartKind::kCold);
}

TEST(EnvironmentPool, AnEnvironmentThatCannotStartIsAFunctionErrorNotAServiceError) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  auto pool = make_pool(2);
  ASSERT_TRUE(pool);
  Resolved broken = ops("$LATEST", 128);
  broken.state.config.code_dir = "/nonexistent/sweetspot-test";
  auto inv = pool->invoke(broken, engine::InvokeInput("{}"), Admission::kRejectWhenBusy);
  ASSERT_TRUE(inv.has_value()) << inv.error().message;
  EXPECT_FALSE(inv->ok());
  EXPECT_FALSE(inv->error_type.empty());
  EXPECT_EQ(pool->busy_count(), 0);
  EXPECT_TRUE(invoke_ok(*pool, ops("$LATEST", 128)).ok());
}

}  // namespace
}  // namespace sweetspot::lambda_api
