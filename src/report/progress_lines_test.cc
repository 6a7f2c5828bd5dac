#include "report/progress_lines.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sweetspot::report {
namespace {

TEST(ProgressLines, OneLinePerFinishedSize) {
  std::ostringstream out;
  ProgressLines lines(out);
  lines.on_start(20);
  tuner::SizeResult ok;
  ok.memory_mb = 1024;
  ok.invocations = 10;
  ok.successes = 10;
  ok.duration.p50 = 12.34;
  lines.on_size_done(ok);
  tuner::SizeResult failed;
  failed.memory_mb = 128;
  failed.invocations = 10;
  failed.feasible = false;
  failed.infeasible_reason = "out of memory in 10 of 10 invokes";
  lines.on_size_done(failed);
  EXPECT_EQ(out.str(),
            "sweetspot: size 1 done: 1,024 MB, 10 of 10 invokes succeeded, median 12.3 ms\n"
            "sweetspot: size 2 done: 128 MB, 0 of 10 invokes succeeded; out of memory in 10 of 10 invokes\n");
}

}  // namespace
}  // namespace sweetspot::report
