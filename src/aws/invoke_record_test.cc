#include "aws/invoke_record.h"

#include <gtest/gtest.h>

namespace sweetspot::aws {
namespace {

constexpr const char* kColdLog =
    "START RequestId: r1 Version: 3\nhello\nEND RequestId: r1\n"
    "REPORT RequestId: r1\tDuration: 12.50 ms\tBilled Duration: 163 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\t"
    "Init Duration: 150.10 ms\t\n";

TEST(InvokeRecord, ReportMeasuresASuccessfulInvoke) {
  InvokeResult answer{"r1", "", kColdLog, "3", "\"ok\""};
  const engine_api::Invocation inv = to_invocation(512, answer);
  EXPECT_TRUE(inv.ok());
  EXPECT_EQ(inv.request_id, "r1");
  EXPECT_DOUBLE_EQ(inv.duration_ms, 12.5);
  EXPECT_EQ(inv.billed_duration_ms, 163);
  EXPECT_EQ(inv.max_memory_used_mb, 60);
  EXPECT_EQ(inv.start, engine_api::StartKind::kCold);
  ASSERT_TRUE(inv.init_duration_ms);
  EXPECT_EQ(inv.response, "\"ok\"");
}

TEST(InvokeRecord, FunctionErrorsKeepTheirTypeAndMeasurements) {
  InvokeResult answer{"r1", "Unhandled", kColdLog, "3",
                      R"({"errorType":"Runtime.OutOfMemory","errorMessage":"Runtime exited with error: signal: killed"})"};
  const engine_api::Invocation inv = to_invocation(512, answer);
  EXPECT_EQ(inv.outcome, engine_api::Outcome::kOutOfMemory);
  EXPECT_EQ(inv.error_type, "Runtime.OutOfMemory");
  EXPECT_EQ(inv.billed_duration_ms, 163);

  answer.payload = R"({"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"})";
  EXPECT_EQ(to_invocation(512, answer).outcome, engine_api::Outcome::kTimeout);
  answer.payload = R"({"errorType":"ValueError","errorMessage":"bad"})";
  EXPECT_EQ(to_invocation(512, answer).outcome, engine_api::Outcome::kFunctionError);
}

TEST(InvokeRecord, NothingMeasuredIsAFailedInvokeNotASample) {
  // moto answers this way without docker: an error payload and an empty log tail.
  InvokeResult handled{"r2", "Handled", "", "", "error running docker"};
  engine_api::Invocation inv = to_invocation(256, handled);
  EXPECT_FALSE(inv.ok());
  EXPECT_EQ(inv.outcome, engine_api::Outcome::kFunctionError);

  InvokeResult silent{"r3", "", "", "", "{}"};
  inv = to_invocation(256, silent);
  EXPECT_EQ(inv.outcome, engine_api::Outcome::kInvokeFailed);
  EXPECT_EQ(inv.error_type, "NoReport");

  inv = to_invocation(256, std::unexpected(ApiError{429, "TooManyRequestsException", "Rate exceeded"}));
  EXPECT_EQ(inv.outcome, engine_api::Outcome::kInvokeFailed);
  EXPECT_EQ(inv.error_type, "TooManyRequestsException");
}

TEST(InvokeRecord, AReportOfAnotherSizeIsRejected) {
  InvokeResult answer{"r1", "", kColdLog, "3", "{}"};
  const engine_api::Invocation inv = to_invocation(1024, answer);
  EXPECT_EQ(inv.outcome, engine_api::Outcome::kInvokeFailed);
  EXPECT_EQ(inv.error_type, "WrongSize");
}

}  // namespace
}  // namespace sweetspot::aws
