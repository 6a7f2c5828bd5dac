#include "report/trace_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sweetspot::report {
namespace {

using engine_api::SegmentKind;
using engine_api::TraceSegment;

TraceSegment seg(std::string id, std::string parent, std::string name, double start, double end) {
  TraceSegment s;
  s.kind = parent.empty() ? SegmentKind::kSegment : SegmentKind::kSubsegment;
  s.id = std::move(id);
  s.parent_id = std::move(parent);
  s.name = std::move(name);
  s.trace_id = "1-6560a1b2-0123456789abcdef01234567";
  s.start_time = start;
  s.end_time = end;
  return s;
}

engine_api::Invocation traced() {
  engine_api::Invocation inv;
  inv.trace_header = "Root=1-6560a1b2-0123456789abcdef01234567;Parent=f000000000000001;Sampled=1";
  inv.trace.push_back(seg("f000000000000001", "", "my-function", 100.0, 100.4));
  inv.trace.back().recorded_by_lambda = true;
  inv.trace.back().origin = "AWS::Lambda::Function";
  inv.trace.push_back(seg("a000000000000002", "f000000000000001", "Invocation", 100.0, 100.39));
  inv.trace.back().recorded_by_lambda = true;
  inv.trace.push_back(seg("b000000000000004", "b000000000000003", "## s3.get_object", 100.01, 100.2));
  inv.trace.back().namespace_name = "aws";
  inv.trace.back().fault = true;
  inv.trace.push_back(seg("b000000000000003", "f000000000000001", "download", 100.0, 100.2));
  inv.trace.push_back(seg("c000000000000005", "f000000000000001", "resize", 100.2, 0));
  inv.trace.back().in_progress = true;
  return inv;
}

TEST(TraceView, WaterfallNestsChildrenUnderTheirParentInStartOrder) {
  const std::string out = render_waterfall(traced(), 20);
  const auto lines = [&] {
    std::vector<std::string> l;
    size_t pos = 0;
    while (pos < out.size()) {
      size_t nl = out.find('\n', pos);
      l.push_back(out.substr(pos, nl - pos));
      pos = nl + 1;
    }
    return l;
  }();
  ASSERT_EQ(lines.size(), 6u) << out;
  EXPECT_THAT(lines[0], testing::HasSubstr("Root=1-6560a1b2"));
  EXPECT_THAT(lines[1], testing::StartsWith("  my-function "));
  EXPECT_THAT(lines[1], testing::HasSubstr("400.00 ms"));
  EXPECT_THAT(lines[2], testing::StartsWith("    Invocation "));
  EXPECT_THAT(lines[3], testing::StartsWith("    download "));
  EXPECT_THAT(lines[4], testing::StartsWith("      ## s3.get_object (aws) "));
  EXPECT_THAT(lines[4], testing::EndsWith("fault"));
  EXPECT_THAT(lines[5], testing::HasSubstr("in progress"));
  // The function's segment spans the whole time line; download only its first half.
  EXPECT_THAT(lines[1], testing::HasSubstr("|" + [] { std::string s; for (int i = 0; i < 20; ++i) s += "\u2588"; return s; }() + "|"));
  EXPECT_THAT(lines[3], testing::HasSubstr("|" + [] { std::string s; for (int i = 0; i < 10; ++i) s += "\u2588"; return s; }() + "          |"));
}

// A function's segments can lie anywhere: one starting far past the time line
// (its end before its start) was converted to int out of range (undefined; on
// x86 it drew at the left edge). It is drawn at the right edge.
TEST(TraceView, SegmentsFarOffTheTimeLineStayInTheBar) {
  engine_api::Invocation inv;
  inv.trace.push_back(seg("f000000000000001", "", "my-function", 100.0, 100.4));
  inv.trace.push_back(seg("b000000000000002", "f000000000000001", "odd", 1e12, 5));
  const std::string out = render_waterfall(inv, 20);
  EXPECT_THAT(out, testing::HasSubstr("odd"));
  EXPECT_THAT(out, testing::HasSubstr("|" + std::string(19, ' ') + "\u2588|")) << out;
}

TEST(TraceView, NoTraceNoOutput) {
  EXPECT_EQ(render_waterfall(engine_api::Invocation{}), "");
  EXPECT_TRUE(trace_to_json(engine_api::Invocation{}).is_null());
}

TEST(TraceView, JsonUsesXRayDocumentFields) {
  const auto j = trace_to_json(traced());
  EXPECT_EQ(j["header"], traced().trace_header);
  ASSERT_EQ(j["segments"].size(), 5u);
  EXPECT_EQ(j["segments"][0]["type"], "segment");
  EXPECT_EQ(j["segments"][0]["origin"], "AWS::Lambda::Function");
  EXPECT_EQ(j["segments"][0]["recorded_by"], "lambda");
  EXPECT_TRUE(j["segments"][0]["parent_id"].is_null());
  EXPECT_EQ(j["segments"][2]["namespace"], "aws");
  EXPECT_EQ(j["segments"][2]["parent_id"], "b000000000000003");
  EXPECT_EQ(j["segments"][2]["recorded_by"], "function");
  EXPECT_EQ(j["segments"][2]["fault"], true);
  EXPECT_NEAR(j["segments"][3]["duration_ms"].get<double>(), 200.0, 1e-6);
  EXPECT_TRUE(j["segments"][4]["end_time"].is_null());
  EXPECT_EQ(j["droppedSubsegments"], 0);
}

}  // namespace
}  // namespace sweetspot::report
