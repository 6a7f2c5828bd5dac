// Output paths are checked before the first invoke: the real binary, bad --json paths.
#include "cli/output_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/test_command.h"
#include "util/error.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using test_support::run_command;

using test_support::kOps;
using test_support::kSweetspot;

TEST(OutputFiles, TuneRefusesAJsonPathInAMissingDirectoryBeforeTheFirstInvoke) {
  // --no-limits: no root needed; the check comes before any environment exists.
  auto r = run_command({kSweetspot, "tune", kOps, "--no-limits", "--memory", "128", "--num", "1", "--json",
                        "/no/such/dir/out.json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--json /no/such/dir/out.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/no/such/dir does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("tuning with"), std::string::npos) << "it started tuning:\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(OutputFiles, TuneRefusesADirectoryAsTheJsonPath) {
  const fs::path dir = fs::temp_directory_path() / ("sweetspot-output-dir-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto r = run_command({kSweetspot, "tune", kOps, "--no-limits", "--memory", "128", "--num", "1", "--json",
                        dir.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("tuning with"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(OutputFiles, SaysWhyAPathCannotBeWritten) {
  const fs::path dir = fs::temp_directory_path() / ("sweetspot-output-check-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto why = [](const fs::path& path) -> std::string {
    try {
      check_output_writable("--out", path);
    } catch (const util::Fatal& e) {
      EXPECT_EQ(e.code(), util::ExitCode::kUsage);
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(why(dir / "result.json"), "");  // a new file in a writable directory
  EXPECT_NE(why(dir).find("--out " + dir.string() + ": is a directory"), std::string::npos);
  EXPECT_NE(why(dir / "missing" / "r.json").find("does not exist"), std::string::npos);
  { std::ofstream(dir / "plain") << "x"; }
  EXPECT_NE(why(dir / "plain" / "r.json").find("is not a directory"), std::string::npos);
  if (::geteuid() != 0) {  // root writes anywhere; a read-only directory stops others
    fs::create_directories(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_NE(why(dir / "ro" / "r.json").find("not writable"), std::string::npos);
    fs::permissions(dir / "ro", fs::perms::owner_all);
  }
  EXPECT_FALSE(fs::exists(dir / "result.json"));  // checking creates nothing
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sweetspot::cli
