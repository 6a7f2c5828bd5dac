#include "sandbox/program_search.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <unistd.h>

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;

TEST(ProgramSearch, OnlyAnExecutableRegularFileIsExecutable) {
  const fs::path dir = fs::temp_directory_path() / ("program_search_test." + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "tool") << "#!/bin/sh\n";
  std::ofstream(dir / "data") << "x";
  fs::permissions(dir / "tool", fs::perms::owner_all, fs::perm_options::add);
  fs::create_symlink(dir / "tool", dir / "link");
  fs::create_directories(dir / "folder");

  EXPECT_TRUE(is_executable_file(dir / "tool"));
  EXPECT_TRUE(is_executable_file(dir / "link"));  // links are followed, as exec does
  EXPECT_FALSE(is_executable_file(dir / "data"));
  EXPECT_FALSE(is_executable_file(dir / "folder"));  // a directory has x too
  EXPECT_FALSE(is_executable_file(dir / "missing"));
  EXPECT_EQ(find_program("tool", dir.string()), dir / "tool");
  EXPECT_EQ(find_program("data", dir.string()), std::nullopt);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sweetspot::sandbox
