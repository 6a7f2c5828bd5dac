#include "util/file.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace sweetspot::util {
namespace {

namespace fs = std::filesystem;

TEST(File, AtomicWriteReplacesAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / ("sweetspot-file-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path target = dir / "result.json";
  ASSERT_TRUE(write_file_atomic(target, "first").has_value());
  ASSERT_TRUE(write_file_atomic(target, "second").has_value());
  EXPECT_EQ(read_file(target).value(), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1);
  fs::remove_all(dir);
}

TEST(File, AtomicWriteIntoMissingDirectoryFailsWithPath) {
  auto r = write_file_atomic("/nonexistent-dir-sweetspot/x.json", "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("/nonexistent-dir-sweetspot"), std::string::npos);
}

TEST(File, ReadMissingFileNamesIt) {
  auto r = read_file("/nonexistent-sweetspot-file");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("nonexistent-sweetspot-file"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::util
