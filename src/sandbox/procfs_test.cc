#include "sandbox/procfs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sweetspot::sandbox {
namespace {

TEST(Procfs, ReadsFilesLongerThanAPageWhole) {
  // A pid list of 2,000 entries is ~12 KB: the old one-read() of 4,096 bytes cut
  // it mid-pid.
  const auto path = std::filesystem::temp_directory_path() / ("procfs-test-" + std::to_string(::getpid()));
  std::string text;
  for (int pid = 100000; pid < 102000; ++pid) text += std::to_string(pid) + "\n";
  std::ofstream(path) << text;
  auto read = read_kernel_file(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, text);
  const auto pids = parse_pids(*read);
  ASSERT_EQ(pids.size(), 2000u);
  EXPECT_EQ(pids.front(), 100000);
  EXPECT_EQ(pids.back(), 101999);
}

TEST(Procfs, ParsesPidsAndSkipsJunk) {
  EXPECT_EQ(parse_pids("1\n22\n\n333"), (std::vector<pid_t>{1, 22, 333}));
  EXPECT_TRUE(parse_pids("").empty());
  EXPECT_EQ(parse_pids("0\n7\n"), (std::vector<pid_t>{7}));
}

TEST(Procfs, ReadsThisProcesssMemoryAndCpu) {
  EXPECT_GT(resident_bytes(::getpid()), 0);
  EXPECT_GE(peak_resident_bytes(::getpid()), resident_bytes(::getpid()) / 2);
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 50'000'000; ++i) x = x + i;
  EXPECT_GT(process_cpu_time(::getpid()).count(), 0);
  EXPECT_EQ(resident_bytes(-5), 0) << "a process that does not exist reads as 0";
}

}  // namespace
}  // namespace sweetspot::sandbox
