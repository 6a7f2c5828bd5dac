#include "engine_api/config_checks.h"

#include <gtest/gtest.h>

#include <limits>

#include "engine_api/backend.h"

namespace sweetspot::engine_api {
namespace {

TEST(ConfigChecks, MemoryIsAWholeNumberOfMbWithinLambdasRange) {
  EXPECT_FALSE(memory_problem(128));
  EXPECT_FALSE(memory_problem(1769));
  EXPECT_FALSE(memory_problem(10240));
  for (double bad : {127.0, 10241.0, 512.5, std::numeric_limits<double>::quiet_NaN(), 1e30, -1.0}) {
    EXPECT_TRUE(memory_problem(bad)) << bad;
  }
}

TEST(ConfigChecks, TimeoutAndTmpRanges) {
  EXPECT_FALSE(timeout_problem(1));
  EXPECT_FALSE(timeout_problem(900));
  EXPECT_FALSE(timeout_problem(2.5));  // Lambda's API takes whole seconds; a local run may ask for less
  EXPECT_TRUE(timeout_problem(0.5));
  EXPECT_TRUE(timeout_problem(901));
  EXPECT_TRUE(timeout_problem(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(tmp_problem(512));
  EXPECT_FALSE(tmp_problem(10240));
  EXPECT_TRUE(tmp_problem(511));
  EXPECT_TRUE(tmp_problem(1024.5));
}

TEST(ConfigChecks, EnvironmentVariableNamesAsLambdasApiChecksThem) {
  EXPECT_FALSE(environment_variable_problem("TABLE_NAME"));
  EXPECT_FALSE(environment_variable_problem("PATH"));        // a function may set these
  EXPECT_FALSE(environment_variable_problem("PYTHONPATH"));
  for (const char* reserved : {"AWS_REGION", "_HANDLER", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "LAMBDA_TASK_ROOT"}) {
    ASSERT_TRUE(environment_variable_problem(reserved)) << reserved;
    EXPECT_NE(environment_variable_problem(reserved)->find("reserved"), std::string::npos);
  }
  for (const char* bad : {"", "X", "1ABC", "A-B", "A B"}) {
    EXPECT_TRUE(environment_variable_problem(bad)) << bad;
  }
}

// A batch repeats its payloads instead of holding one per invoke.
TEST(Batch, RepeatsItsPayloadsUpToCount) {
  Batch batch;
  EXPECT_EQ(batch.invokes(), 0u);
  batch.payloads = {"a", "b"};
  EXPECT_EQ(batch.invokes(), 2u);
  batch.count = 5;
  EXPECT_EQ(batch.invokes(), 5u);
  EXPECT_EQ(batch.payload(0), "a");
  EXPECT_EQ(batch.payload(3), "b");
  EXPECT_EQ(batch.payload(4), "a");
}

}  // namespace
}  // namespace sweetspot::engine_api
