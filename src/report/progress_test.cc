#include "report/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sweetspot::report {
namespace {

TEST(ProgressBar, CountsInvokesAndFailuresAndClearsItsLine) {
  std::ostringstream out;
  ProgressBar bar(out, 10);
  bar.on_start(4);
  bar.on_size_start(512, {});
  engine_api::Invocation ok;
  engine_api::Invocation failed;
  failed.outcome = engine_api::Outcome::kTimeout;
  bar.on_invocation(ok);
  bar.on_invocation(failed);
  EXPECT_EQ(bar.line(), "[=====     ] 2/4 invokes, 0 sizes done, now 512 MB, 1 failed");
  bar.finish();
  const std::string drawn = out.str();
  EXPECT_EQ(drawn.front(), '\r');
  EXPECT_EQ(drawn.back(), '\r');  // the cursor is back at the start of a blank line
}

TEST(ProgressBar, NeverRunsPastItsEnd) {
  std::ostringstream out;
  ProgressBar bar(out, 4);
  bar.on_start(1);
  bar.on_invocation({});
  bar.on_invocation({});
  EXPECT_EQ(bar.line(), "[====] 2/2 invokes, 0 sizes done");
}

}  // namespace
}  // namespace sweetspot::report
