#include "engine/log_lines.h"

#include <gtest/gtest.h>

#include <regex>

#include "engine/ids.h"

namespace sweetspot::engine {

using engine_api::Invocation;
using engine_api::parse_report;

namespace {

TEST(LogLines, ReportLineOfAColdInvokeMatchesLambdaByteForByte) {
  Invocation inv;
  inv.request_id = "8f507cfc-xmpl-4697-b07a-ac58fc914c95";
  inv.duration_ms = 102.25;
  inv.billed_duration_ms = 253;
  inv.memory_mb = 128;
  inv.max_memory_used_mb = 70;
  inv.init_duration_ms = 150.234;
  EXPECT_EQ(report_line(inv),
            "REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95\tDuration: 102.25 ms\tBilled Duration: 253 ms\t"
            "Memory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.23 ms\t\n");
}

TEST(LogLines, WarmReportHasNoInitDuration) {
  Invocation inv;
  inv.request_id = "id";
  inv.duration_ms = 1.005;
  inv.billed_duration_ms = 2;
  inv.memory_mb = 1024;
  inv.max_memory_used_mb = 12;
  const std::string line = report_line(inv);
  EXPECT_EQ(line.find("Init Duration"), std::string::npos);
  EXPECT_TRUE(line.ends_with("Max Memory Used: 12 MB\t\n"));
}

TEST(LogLines, ReportIsReadBackFromALogTail) {
  Invocation inv;
  inv.request_id = "req-1";
  inv.duration_ms = 102.25;
  inv.billed_duration_ms = 253;
  inv.memory_mb = 512;
  inv.max_memory_used_mb = 70;
  inv.init_duration_ms = 150.23;
  const std::string log = start_line("req-1") + "hello\n" + end_line("req-1") + report_line(inv);
  const auto report = parse_report(log);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->request_id, "req-1");
  EXPECT_DOUBLE_EQ(report->duration_ms, 102.25);
  EXPECT_EQ(report->billed_duration_ms, 253);
  EXPECT_EQ(report->memory_mb, 512);
  EXPECT_EQ(report->max_memory_used_mb, 70);
  ASSERT_TRUE(report->init_duration_ms);
  EXPECT_DOUBLE_EQ(*report->init_duration_ms, 150.23);

  inv.init_duration_ms.reset();
  const auto warm = parse_report(report_line(inv));
  ASSERT_TRUE(warm);
  EXPECT_FALSE(warm->init_duration_ms);
}

TEST(LogLines, StartAndEnd) {
  EXPECT_EQ(start_line("abc"), "START RequestId: abc Version: $LATEST\n");
  EXPECT_EQ(start_line("abc", "7"), "START RequestId: abc Version: 7\n");
  EXPECT_EQ(end_line("abc"), "END RequestId: abc\n");
}

TEST(LogLines, TimeoutMessageHasTwoDecimals) {
  EXPECT_EQ(timeout_message(3), "Task timed out after 3.00 seconds");
  const std::string line = timeout_line("abc", 1.5);
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z abc Task timed out after 1\.50 seconds\n)")))
      << line;
}

TEST(Ids, RequestIdIsAVersion4Uuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(std::regex_match(new_request_id(), uuid));
  EXPECT_NE(new_request_id(), new_request_id());
}

TEST(Ids, TraceIdHasXRayShape) {
  EXPECT_TRUE(std::regex_match(new_trace_id(), std::regex("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1")));
}

TEST(Ids, LogStreamName) {
  EXPECT_TRUE(std::regex_match(new_log_stream_name(), std::regex(R"(\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32})")));
  EXPECT_TRUE(std::regex_match(new_log_stream_name("3"), std::regex(R"(\d{4}/\d\d/\d\d/\[3\][0-9a-f]{32})")));
}

}  // namespace
}  // namespace sweetspot::engine
