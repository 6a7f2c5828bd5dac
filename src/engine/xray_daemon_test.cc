#include "engine/xray_daemon.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "util/unique_fd.h"

namespace sweetspot::engine {
namespace {

// Sends datagrams the way an X-Ray SDK does: unconnected UDP to the daemon's address.
class Sender {
 public:
  explicit Sender(uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    to_.sin_family = AF_INET;
    to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to_.sin_port = htons(port);
  }
  bool send(std::string_view data) {
    return ::sendto(fd_.get(), data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&to_), sizeof to_) ==
           static_cast<ssize_t>(data.size());
  }

 private:
  util::UniqueFd fd_;
  sockaddr_in to_{};
};

constexpr std::string_view kRoot = "1-6560a1b2-0123456789abcdef01234567";

std::string subsegment(std::string_view root, int n) {
  return fmt::format(
      "{}\n{{\"id\":\"{:016x}\",\"name\":\"part{}\",\"start_time\":1700000000.0,\"end_time\":1700000000.1,"
      "\"type\":\"subsegment\",\"parent_id\":\"53995c3f42cd8ad8\",\"trace_id\":\"{}\"}}",
      kXRayDaemonHeader, n + 1, n, root);
}

TEST(XRayDaemon, ListensOnLoopbackAndHandsEachInvokeItsOwnSegments) {
  auto daemon = XRayDaemon::create();
  ASSERT_TRUE(daemon) << daemon.error().message;
  auto& d = **daemon;
  EXPECT_NE(d.port(), 0);
  EXPECT_EQ(d.address(), fmt::format("127.0.0.1:{}", d.port()));

  const std::string other = "1-6560a1b2-ffffffffffffffffffffffff";
  d.expect(kRoot);
  d.expect(other);
  Sender sender(d.port());
  ASSERT_TRUE(sender.send(subsegment(kRoot, 0)));
  ASSERT_TRUE(sender.send(subsegment(other, 1)));
  ASSERT_TRUE(sender.send(subsegment(kRoot, 2)));

  CollectedTrace mine = d.collect(kRoot);
  ASSERT_EQ(mine.segments.size(), 2u);
  EXPECT_EQ(mine.segments[0].name, "part0");
  EXPECT_EQ(mine.segments[1].name, "part2");
  CollectedTrace theirs = d.collect(other);
  ASSERT_EQ(theirs.segments.size(), 1u);
  EXPECT_EQ(theirs.segments[0].name, "part1");

  // Once collected, the trace is forgotten: a late segment is counted, not kept.
  ASSERT_TRUE(sender.send(subsegment(kRoot, 3)));
  EXPECT_TRUE(d.collect(kRoot).segments.empty());
  EXPECT_EQ(d.counts().unexpected, 1u);
  EXPECT_EQ(d.counts().segments, 3u);
}

TEST(XRayDaemon, CountsAndDropsMalformedOversizeAndFloodingDatagramsAndKeepsServing) {
  auto daemon = XRayDaemon::create(XRayDaemon::Limits{.max_segments_per_invoke = 50});
  ASSERT_TRUE(daemon) << daemon.error().message;
  auto& d = **daemon;
  d.expect(kRoot);
  Sender sender(d.port());

  ASSERT_TRUE(sender.send("garbage without a header line"));
  ASSERT_TRUE(sender.send(std::string(kXRayDaemonHeader) + "\n{\"id\": truncated"));
  ASSERT_TRUE(sender.send(std::string(kXRayDaemonHeader) + "\n" + std::string(65'000, 'x')));  // over 64,000 bytes
  ASSERT_TRUE(sender.send(std::string(65'507, '{')));  // the largest datagram IPv4 carries
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(sender.send(subsegment(kRoot, i)));

  CollectedTrace trace = d.collect(kRoot);
  EXPECT_EQ(trace.segments.size(), 50u);
  const XRayCounts counts = d.counts();
  EXPECT_EQ(counts.bad_header, 1u);
  EXPECT_EQ(counts.malformed, 1u);
  EXPECT_EQ(counts.oversize, 2u);
  // The socket buffer may overflow under a flood (the kernel drops those
  // silently, as it would for the real daemon); what arrived past the limit is counted.
  EXPECT_EQ(counts.flooding, trace.dropped);
  EXPECT_EQ(counts.segments, 50u);
  EXPECT_GT(counts.dropped(), 4u);

  // Still serving after all that.
  const std::string next = "1-6560a1b2-000000000000000000000002";
  d.expect(next);
  ASSERT_TRUE(sender.send(subsegment(next, 7)));
  EXPECT_EQ(d.collect(next).segments.size(), 1u);
}

}  // namespace
}  // namespace sweetspot::engine
