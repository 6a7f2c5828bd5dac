#include "engine/log_collector.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

namespace sweetspot::engine {
namespace {

class Lines : public EngineEvents {
 public:
  void on_log(int id, std::string_view line) override {
    ids.push_back(id);
    lines.emplace_back(line);
  }
  std::vector<int> ids;
  std::vector<std::string> lines;
};

class LogCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    write_end_.reset(fds[1]);
    // Room for a whole over-long line, so one thread can write it and drain it.
    ASSERT_GE(::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
    ASSERT_TRUE(collector_.attach(util::UniqueFd(fds[0])));
  }
  void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(write_end_.get(), bytes.data(), bytes.size());
      ASSERT_GT(n, 0);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  Lines events_;
  LogCollector collector_{&events_, 7};
  util::UniqueFd write_end_;
};

TEST_F(LogCollectorTest, OutputBecomesLinesInOrderAndAnUnfinishedOneEndsAtDrain) {
  write("first\nsecond\nthird without newline");
  ASSERT_TRUE(collector_.read_once());
  EXPECT_EQ(events_.lines, (std::vector<std::string>{"first\n", "second\n"}));
  collector_.drain();
  EXPECT_EQ(events_.lines.back(), "third without newline\n");
  EXPECT_EQ(events_.ids, (std::vector<int>{7, 7, 7}));
  EXPECT_EQ(collector_.tail(), "first\nsecond\nthird without newline\n");
}

TEST_F(LogCollectorTest, ALineWithoutNewlineIsCutAtTheLargestLogEvent) {
  write(std::string(LogCollector::kMaxLineBytes + 10, 'x'));
  write("\n");
  collector_.drain();
  ASSERT_EQ(events_.lines.size(), 2u);
  EXPECT_EQ(events_.lines[0], std::string(LogCollector::kMaxLineBytes, 'x') + "\n");
  EXPECT_EQ(events_.lines[1], std::string(10, 'x') + "\n");
}

TEST_F(LogCollectorTest, TheTailKeepsOnlyTheInvokesLastBytes) {
  collector_.platform_lines({"START\n"});
  for (int i = 0; i < 2000; ++i) write("line " + std::to_string(i) + "\n");
  collector_.drain();
  collector_.platform_lines({"END\n", "REPORT\n"});
  const std::string tail = collector_.tail();
  EXPECT_EQ(tail.size(), LogCollector::kTailBytes);
  EXPECT_TRUE(tail.ends_with("line 1999\nEND\nREPORT\n")) << tail.substr(tail.size() - 40);
  EXPECT_EQ(events_.lines.size(), 2003u) << "every line reaches the events, only the tail is cut";
  EXPECT_EQ(events_.lines.front(), "START\n");

  collector_.begin_invoke();
  EXPECT_EQ(collector_.tail(), "");
  collector_.platform_lines({"START 2\n"});
  EXPECT_EQ(collector_.tail(), "START 2\n");
}

TEST_F(LogCollectorTest, ReadingStopsWhenEveryWriterIsGone) {
  write("last words");
  write_end_.reset();
  EXPECT_TRUE(collector_.read_once());
  EXPECT_FALSE(collector_.read_once());
  collector_.detach();
  EXPECT_EQ(collector_.fd(), -1);
  EXPECT_EQ(events_.lines, (std::vector<std::string>{"last words\n"}));
}

TEST(LogCollector, WithoutAPipePlatformLinesStillCount) {
  Lines events;
  LogCollector collector(&events, 1);
  collector.drain();  // nothing attached: nothing to read
  collector.platform_lines({"START\n", "END\n"});
  EXPECT_EQ(collector.tail(), "START\nEND\n");
  EXPECT_EQ(events.lines.size(), 2u);
}

}  // namespace
}  // namespace sweetspot::engine
