// The runtime process on its own: a real custom runtime (a shell bootstrap)
// started with --no-limits' sandbox (no cgroup), read through its log pipe.
#include "engine/runtime_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "util/testing/test_files.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

namespace {

using ::testing::HasSubstr;

std::string read_to_end(const util::UniqueFd& fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  return out;
}

char state_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(") ");
  return close == std::string::npos ? '?' : text[close + 2];
}

// The kernel stops or continues a process after kill() returns: wait for it
// (bounded), never for a time.
bool becomes(pid_t pid, bool stopped) {
  for (int i = 0; i < 1000; ++i) {
    if ((state_of(pid) == 'T') == stopped) return true;
    ::usleep(10'000);
  }
  return false;
}

class RuntimeProcessTest : public ::testing::Test {
 protected:
  FunctionConfig function(const std::string& bootstrap) {
    tree_.write("code/bootstrap", "#!/bin/sh\n" + bootstrap, /*executable=*/true);
    FunctionConfig c;
    c.name = "proc";
    c.code_dir = tree_ / "code";
    c.runtime = RuntimeFamily::kProvided;
    c.runtime_id = "provided.al2023";
    c.handler = "my.handler";
    c.memory_mb = 256;
    c.environment = {{"STAGE", "test"}};
    return c;
  }
  const RuntimeSite site_{.runtime_api = "127.0.0.1:1", .log_stream = "stream", .region = "eu-central-1",
                          .xray_daemon = std::nullopt};
  util::test_support::TempTree tree_;
};

TEST_F(RuntimeProcessTest, StartsWithLambdasVariablesAndItsOutputInOnePipe) {
  RuntimeProcess runtime(nullptr);
  auto log = runtime.spawn(function("env; echo to-stderr >&2; pwd; exit 3\n"), site_);
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_GT(runtime.pid(), 0);
  EXPECT_LE(runtime.spawned_at(), util::Clock::now());
  const std::string out = read_to_end(*log);  // EOF: the runtime is gone
  EXPECT_THAT(out, HasSubstr("AWS_LAMBDA_RUNTIME_API=127.0.0.1:1\n"));
  EXPECT_THAT(out, HasSubstr("_HANDLER=my.handler\n"));
  EXPECT_THAT(out, HasSubstr("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256\n"));
  EXPECT_THAT(out, HasSubstr("AWS_REGION=eu-central-1\n"));
  EXPECT_THAT(out, HasSubstr("STAGE=test\n"));
  EXPECT_THAT(out, HasSubstr("to-stderr\n"));
  runtime.reap();
  ASSERT_TRUE(runtime.exit_status());
  EXPECT_EQ(runtime.exit_status()->describe(), "exit status 3");
}

TEST_F(RuntimeProcessTest, FrozenBetweenInvokesAndKilledOnAReset) {
  RuntimeProcess runtime(nullptr);
  auto log = runtime.spawn(function("echo up; exec sleep 60\n"), site_);
  ASSERT_TRUE(log) << log.error().message;
  char up[3];
  ASSERT_EQ(::read(log->get(), up, sizeof up), 3);
  runtime.freeze();
  EXPECT_TRUE(becomes(runtime.pid(), /*stopped=*/true));
  runtime.freeze();  // no-op
  runtime.thaw();
  EXPECT_TRUE(becomes(runtime.pid(), /*stopped=*/false));
  runtime.freeze();
  runtime.kill();  // a frozen runtime dies too
  runtime.reap();
  ASSERT_TRUE(runtime.exit_status());
  EXPECT_EQ(runtime.exit_status()->describe(), "signal: killed");
  EXPECT_EQ(read_to_end(*log), "");
}

TEST_F(RuntimeProcessTest, AnExitSeenOnItsPidfdIsRecorded) {
  RuntimeProcess runtime(nullptr);
  auto log = runtime.spawn(function("exit 7\n"), site_);
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_GE(runtime.pidfd(), 0);
  read_to_end(*log);
  runtime.record_exit();
  ASSERT_TRUE(runtime.exit_status());
  EXPECT_EQ(runtime.exit_status()->describe(), "exit status 7");
  runtime.reap();  // keeps the first status
  EXPECT_EQ(runtime.exit_status()->describe(), "exit status 7");
}

TEST_F(RuntimeProcessTest, AMissingBootstrapIsNamed) {
  FunctionConfig c = function("");
  std::filesystem::remove(tree_ / "code/bootstrap");
  RuntimeProcess runtime(nullptr);
  auto log = runtime.spawn(c, site_);
  ASSERT_FALSE(log);
  EXPECT_THAT(log.error().message, HasSubstr("bootstrap is missing"));
  EXPECT_FALSE(runtime.exit_status());
}

}  // namespace
}  // namespace sweetspot::engine
