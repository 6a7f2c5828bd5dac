#include "engine/xray_segments.h"

#include <gtest/gtest.h>

#include <string>

namespace sweetspot::engine {

using engine_api::SegmentKind;
using engine_api::TraceSegment;

namespace {

std::string datagram(std::string_view doc) { return std::string(kXRayDaemonHeader) + "\n" + std::string(doc); }

TEST(XRaySegments, ParsesASubsegmentTheWayThePythonSdkStreamsIt) {
  auto parsed = parse_xray_datagram(datagram(
      R"({"id":"70de5b6f19ff9a0a","name":"## s3.get_object","start_time":1700000000.25,"end_time":1700000000.5,)"
      R"("type":"subsegment","parent_id":"53995c3f42cd8ad8","trace_id":"1-5759e988-bd862e3fe1be46a994272793",)"
      R"("namespace":"aws","error":true})"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  ASSERT_EQ(parsed->size(), 1u);
  const TraceSegment& s = (*parsed)[0];
  EXPECT_EQ(s.kind, SegmentKind::kSubsegment);
  EXPECT_EQ(s.id, "70de5b6f19ff9a0a");
  EXPECT_EQ(s.name, "## s3.get_object");
  EXPECT_EQ(s.parent_id, "53995c3f42cd8ad8");
  EXPECT_EQ(s.trace_id, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(s.namespace_name, "aws");
  EXPECT_TRUE(s.error);
  EXPECT_FALSE(s.fault);
  EXPECT_NEAR(s.duration_ms(), 250.0, 1e-6);
}

TEST(XRaySegments, FlattensNestedSubsegmentsInheritingTraceAndParent) {
  auto parsed = parse_xray_datagram(
      std::string(R"({"format": "json", "version": 1})") + "\n" +
      R"({"id":"a000000000000001","name":"fn","start_time":10,"end_time":12,"trace_id":"1-00000001-000000000000000000000001",)"
      R"("subsegments":[{"id":"b000000000000002","name":"outer","start_time":10.5,"end_time":11.5,)"
      R"("subsegments":[{"id":"c000000000000003","name":"inner","start_time":10.6,"in_progress":true}]}]})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].kind, SegmentKind::kSegment);
  EXPECT_EQ((*parsed)[1].parent_id, "a000000000000001");
  EXPECT_EQ((*parsed)[2].parent_id, "b000000000000002");
  EXPECT_EQ((*parsed)[2].trace_id, "1-00000001-000000000000000000000001");
  EXPECT_TRUE((*parsed)[2].in_progress);
  EXPECT_EQ((*parsed)[2].duration_ms(), 0.0);
}

TEST(XRaySegments, RejectsWhatIsNotADaemonDatagram) {
  EXPECT_EQ(parse_xray_datagram("").error().problem, DatagramProblem::kBadHeader);
  EXPECT_EQ(parse_xray_datagram(R"({"id":"x"})").error().problem, DatagramProblem::kBadHeader);
  EXPECT_EQ(parse_xray_datagram("{\"format\":\"xml\",\"version\":1}\n{}").error().problem, DatagramProblem::kBadHeader);
  EXPECT_EQ(parse_xray_datagram(datagram("{not json")).error().problem, DatagramProblem::kMalformed);
  EXPECT_EQ(parse_xray_datagram(datagram("[1,2]")).error().problem, DatagramProblem::kMalformed);
  // A subsegment sent alone must say whose child it is.
  EXPECT_EQ(parse_xray_datagram(datagram(R"({"id":"a","name":"n","start_time":1,"end_time":2,"trace_id":"t","type":"subsegment"})"))
                .error()
                .problem,
            DatagramProblem::kMalformed);
  // Neither finished nor in progress.
  EXPECT_EQ(parse_xray_datagram(datagram(R"({"id":"a","name":"n","start_time":1,"trace_id":"t"})")).error().problem,
            DatagramProblem::kMalformed);
  EXPECT_EQ(parse_xray_datagram(datagram(std::string(kMaxXRayDatagramBytes, ' '))).error().problem,
            DatagramProblem::kOversize);
}

TEST(XRaySegments, BoundsNestingAndCount) {
  std::string deep = R"({"id":"a","name":"n","start_time":1,"end_time":2,"trace_id":"t")";
  std::string close = "}";
  for (int i = 0; i < kMaxNestingDepth + 5; ++i) {
    deep += R"(,"subsegments":[{"id":"a","name":"n","start_time":1,"end_time":2)";
    close += "]}";
  }
  EXPECT_EQ(parse_xray_datagram(datagram(deep + close)).error().problem, DatagramProblem::kMalformed);

  std::string wide = R"({"id":"a","name":"n","start_time":1,"end_time":2,"trace_id":"t","subsegments":[)";
  for (size_t i = 0; i <= kMaxEntitiesPerDatagram; ++i) {
    wide += std::string(i ? "," : "") + R"({"id":"b","name":"m","start_time":1,"end_time":2})";
  }
  EXPECT_EQ(parse_xray_datagram(datagram(wide + "]}")).error().problem, DatagramProblem::kTooManyEntities);
}

TEST(XRaySegments, ReadsRootAndParentFromTheTraceHeader) {
  const std::string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  EXPECT_EQ(trace_root(header), "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(trace_parent(header), "53995c3f42cd8ad8");
  EXPECT_EQ(trace_root("Parent=1;Sampled=0"), "");
  EXPECT_EQ(trace_root("Rooted=1"), "");
}

}  // namespace
}  // namespace sweetspot::engine
