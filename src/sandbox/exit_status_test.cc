#include <gtest/gtest.h>
#include <signal.h>

#include "sandbox/control_file.h"
#include "sandbox/process.h"

namespace sweetspot::sandbox {
namespace {

std::string signaled(int signo, bool core = false) {
  return ExitStatus{ExitStatus::Kind::kSignaled, signo, core}.describe();
}

TEST(ExitStatus, UsesGosWordingAsLambdaPrintsIt) {
  EXPECT_EQ((ExitStatus{ExitStatus::Kind::kExited, 1}.describe()), "exit status 1");
  EXPECT_EQ(signaled(SIGKILL), "signal: killed");
  EXPECT_EQ(signaled(SIGSEGV), "signal: segmentation fault");
  EXPECT_EQ(signaled(SIGABRT, true), "signal: aborted (core dumped)");
  EXPECT_EQ(signaled(SIGTERM), "signal: terminated");
  EXPECT_EQ(signaled(SIGBUS), "signal: bus error");
  EXPECT_EQ(signaled(SIGXCPU), "signal: CPU time limit exceeded");
  EXPECT_EQ(signaled(40), "signal: signal 40");
}

TEST(ControlFile, KeyedValueReadsTheNamedLine) {
  const char* oom_control = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
  EXPECT_EQ(keyed_value(oom_control, "oom_kill"), 3);
  EXPECT_EQ(keyed_value(oom_control, "under_oom"), 0);
  EXPECT_EQ(keyed_value(oom_control, "oom"), std::nullopt);
  EXPECT_EQ(keyed_value("populated 1\nfrozen 0", "frozen"), 0);
  EXPECT_EQ(keyed_value("max max\n", "max"), INT64_MAX);
}

}  // namespace
}  // namespace sweetspot::sandbox
