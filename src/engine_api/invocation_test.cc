#include "engine_api/invocation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sweetspot::engine_api {
namespace {

// Lambda's own REPORT line, as CloudWatch and the Invoke API's log tail show it
// (FACTS.md), read back field by field.
TEST(ParseReport, ReadsLambdasColdReportLine) {
  const auto report = parse_report(
      "START RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95 Version: $LATEST\n"
      "END RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95\n"
      "REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95\tDuration: 102.25 ms\tBilled Duration: 253 ms\t"
      "Memory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.23 ms\t\n");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->request_id, "8f507cfc-xmpl-4697-b07a-ac58fc914c95");
  EXPECT_DOUBLE_EQ(report->duration_ms, 102.25);
  EXPECT_EQ(report->billed_duration_ms, 253);
  EXPECT_EQ(report->memory_mb, 128);
  EXPECT_EQ(report->max_memory_used_mb, 70);
  ASSERT_TRUE(report->init_duration_ms);
  EXPECT_DOUBLE_EQ(*report->init_duration_ms, 150.23);
}

TEST(ParseReport, TheLastReportOfTheTailCounts) {
  const auto report = parse_report(
      "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n"
      "REPORT RequestId: b\tDuration: 7.00 ms\tBilled Duration: 7 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t\n");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->request_id, "b");
  EXPECT_EQ(report->billed_duration_ms, 7);
  EXPECT_FALSE(report->init_duration_ms);
}

TEST(ParseReport, ReportWithUnknownFieldsAndNoReport) {
  // Lambda appends X-Ray fields when tracing is on.
  const auto report = parse_report(
      "REPORT RequestId: r\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"
      "\nXRAY TraceId: 1-abc\tSegmentId: 1\tSampled: true\t\n");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->billed_duration_ms, 2);
  EXPECT_FALSE(parse_report("START RequestId: r Version: $LATEST\n"));
  EXPECT_FALSE(parse_report("REPORT RequestId: r\tMemory Size: 128 MB\t"));
  EXPECT_FALSE(parse_report("a log line mentioning REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms"));
}

// A log tail is the function's output: numbers no REPORT carries were converted
// to integers out of range, undefined behaviour (UBSan in fuzz_report_line).
TEST(ParseReport, ReportNumbersOutOfRangeAreNotAReport) {
  for (const char* billed : {"1e30", "nan", "inf", "-5"}) {
    const std::string line =
        std::string("REPORT RequestId: r\tDuration: 1.50 ms\tBilled Duration: ") + billed + " ms\t";
    EXPECT_FALSE(parse_report(line)) << billed;
  }
  const auto report = parse_report(
      "REPORT RequestId: r\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 1e30 MB\t"
      "Max Memory Used: nan MB\t");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->billed_duration_ms, 2);
  EXPECT_EQ(report->memory_mb, 0);  // the field is dropped, not converted
  EXPECT_EQ(report->max_memory_used_mb, 0);
}

// Records and tables name outcomes by these words: each must be its own.
TEST(InvocationNames, EveryOutcomeHasItsOwnName) {
  std::set<std::string> names;
  for (Outcome o : {Outcome::kSuccess, Outcome::kFunctionError, Outcome::kTimeout, Outcome::kOutOfMemory,
                    Outcome::kRuntimeExit, Outcome::kInitError, Outcome::kPayloadTooLarge, Outcome::kInvokeFailed}) {
    EXPECT_STRNE(to_string(o), "unknown");
    names.insert(to_string(o));
  }
  EXPECT_EQ(names.size(), 8u);
  EXPECT_STRNE(to_string(StartKind::kCold), to_string(StartKind::kWarm));
}

}  // namespace
}  // namespace sweetspot::engine_api
