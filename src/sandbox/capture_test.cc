#include "sandbox/capture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "sandbox/program_search.h"

namespace sweetspot::sandbox {
namespace {

TEST(Capture, ReadsStdoutWithoutAShellAndDiscardsStderr) {
  // No shell: the quote and the semicolon reach the program as they are.
  auto r = capture_output({"printf", "%s\\n", "it's; $(not run)"});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->out, "it's; $(not run)\n");
  EXPECT_EQ(r->status.kind, ExitStatus::Kind::kExited);
  EXPECT_EQ(r->status.value, 0);

  auto err = capture_output({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->out, "out\n");
  EXPECT_EQ(err->status.value, 3);
}

TEST(Capture, StopsReadingAtTheLimitAndKillsWhatRunsTooLong) {
  auto big = capture_output({"yes"}, {.max_bytes = 1000, .time = std::chrono::seconds(30)});
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->out.size(), 1000u);
  EXPECT_EQ(big->status.kind, ExitStatus::Kind::kSignaled);

  auto slow = capture_output({"sleep", "60"}, {.time = std::chrono::milliseconds(200)});
  ASSERT_TRUE(slow.has_value());
  EXPECT_TRUE(slow->timed_out);
  EXPECT_EQ(slow->status.kind, ExitStatus::Kind::kSignaled);
}

TEST(Capture, FirstLineIsEmptyUnlessTheProgramSucceeds) {
  EXPECT_EQ(first_line_of_output({"printf", "  v20.11.0  \\nmore\\n"}), "v20.11.0");
  EXPECT_EQ(first_line_of_output({"sh", "-c", "echo 3.11; exit 127"}), "");
  EXPECT_EQ(first_line_of_output({"no-such-program-sweetspot"}), "");
}

TEST(ProgramSearch, FindsTheFirstExecutableOnThePathAsExecvpDoes) {
  const auto sh = find_program("sh", "/nonexistent:/usr/bin:/bin");
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->filename(), "sh");
  EXPECT_FALSE(find_program("sh", "/nonexistent").has_value());
  EXPECT_FALSE(find_program("", kDefaultPath).has_value());
  // With a slash it is a path: no search; a directory or a plain file is not a program.
  EXPECT_EQ(find_program("/bin/sh", "").value(), "/bin/sh");
  EXPECT_FALSE(find_program("/etc", kDefaultPath).has_value());
  const std::filesystem::path plain = std::filesystem::path(SWEETSPOT_BINARY_DIR) / "capture_test_plain_file";
  { std::ofstream(plain) << "not a program\n"; }
  std::filesystem::permissions(plain, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(find_program(plain.string(), kDefaultPath).has_value());
  std::filesystem::remove(plain);
  EXPECT_EQ(find_program("sh", ".", "/bin").value(), "/bin/./sh");
}

}  // namespace
}  // namespace sweetspot::sandbox
