#include "engine/function_trace.h"

#include <gtest/gtest.h>

namespace sweetspot::engine {

using engine_api::SegmentKind;
using engine_api::TraceSegment;

namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHeader = "Root=1-6560a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";

TEST(FunctionTrace, ColdInvokeHasTheThreePhasesUnderTheFunctionSegment) {
  ClockPair clocks{util::Clock::time_point{} + 1000s, 1'700'000'000.0};
  InvokePhases p;
  p.init_start = clocks.steady;
  p.init_end = clocks.steady + 150ms;
  p.invocation_start = clocks.steady + 151ms;
  p.invocation_end = clocks.steady + 251ms;
  p.overhead_end = clocks.steady + 253ms;
  auto segments = function_segments(kHeader, "my-function", p, clocks);
  ASSERT_EQ(segments.size(), 4u);
  const TraceSegment& fn = segments[0];
  EXPECT_EQ(fn.kind, SegmentKind::kSegment);
  EXPECT_EQ(fn.id, "53995c3f42cd8ad8");  // the Parent the SDK's subsegments name
  EXPECT_EQ(fn.trace_id, "1-6560a1b2-0123456789abcdef01234567");
  EXPECT_EQ(fn.name, "my-function");
  EXPECT_EQ(fn.origin, kFunctionOrigin);
  EXPECT_DOUBLE_EQ(fn.start_time, 1'700'000'000.0);
  EXPECT_NEAR(fn.duration_ms(), 253, 1e-3);  // epoch seconds as doubles: ~0.2 us steps
  const std::string_view names[] = {kInitializationPhase, kInvocationPhase, kOverheadPhase};
  const double ms[] = {150, 100, 2};
  for (int i = 0; i < 3; ++i) {
    const TraceSegment& s = segments[static_cast<size_t>(i) + 1];
    EXPECT_EQ(s.name, names[i]);
    EXPECT_EQ(s.kind, SegmentKind::kSubsegment);
    EXPECT_EQ(s.parent_id, fn.id);
    EXPECT_EQ(s.id.size(), 16u);
    EXPECT_TRUE(s.recorded_by_lambda);
    EXPECT_NEAR(s.duration_ms(), ms[i], 1e-3);
  }
}

TEST(FunctionTrace, WarmInvokeWithoutNextYetHasOverheadInProgress) {
  ClockPair clocks = ClockPair::now();
  InvokePhases p;
  p.invocation_start = clocks.steady;
  p.invocation_end = clocks.steady + 5ms;
  auto segments = function_segments(kHeader, "f", p, clocks);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1].name, kInvocationPhase);
  EXPECT_TRUE(segments[2].in_progress);
  EXPECT_NEAR(segments[0].duration_ms(), 5, 1e-3);
  EXPECT_TRUE(function_segments("Sampled=1", "f", p, clocks).empty());
}

}  // namespace
}  // namespace sweetspot::engine
