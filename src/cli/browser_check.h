// Opens an HTML report in real headless Chromium (tests/browser/check_report.mjs)
// and checks it against its result JSON, keeping screenshots in `artifacts`.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/test_command.h"
#include "engine/testing/cgroup_guard.h"

namespace sweetspot::cli::test_support {

// Copies the report and its result into `artifacts` (kept as test artifacts) and
// checks them there. Skips without Chromium or playwright-core, except under CI=true.
// A macro: GTEST_SKIP and FAIL return from the test that uses it.
#define SWEETSPOT_CHECK_IN_BROWSER(html, result_json, artifacts)                                               \
  do {                                                                                                         \
    namespace fs_ = std::filesystem;                                                                           \
    const fs_::path dir_ = (artifacts);                                                                        \
    fs_::create_directories(dir_);                                                                             \
    fs_::copy_file((html), dir_ / "report.html", fs_::copy_options::overwrite_existing);                       \
    fs_::copy_file((result_json), dir_ / "result.json", fs_::copy_options::overwrite_existing);                \
    const fs_::path script_ = fs_::path(SWEETSPOT_SOURCE_DIR) / "tests/browser/check_report.mjs";              \
    if (!fs_::exists("/usr/bin/chromium") ||                                                                   \
        !fs_::exists(fs_::path(SWEETSPOT_SOURCE_DIR) / "tests/browser/node_modules/playwright-core")) {        \
      if (::sweetspot::engine::testing::running_in_ci()) FAIL() << "chromium and playwright-core are required under CI=true"; \
      GTEST_SKIP() << "no /usr/bin/chromium or tests/browser/node_modules: run scripts/install-deps";          \
    }                                                                                                          \
    auto browser_ = ::sweetspot::cli::test_support::run_command(                                               \
        {"node", script_.string(), (dir_ / "report.html").string(), (dir_ / "result.json").string(),           \
         dir_.string()},                                                                                       \
        {}, std::chrono::seconds(180));                                                                        \
    EXPECT_EQ(browser_.exit_code, 0) << browser_.out << browser_.err;                                          \
    EXPECT_TRUE(fs_::exists(dir_ / "report-light.png"));                                                       \
    EXPECT_TRUE(fs_::exists(dir_ / "report-dark.png"));                                                        \
    EXPECT_TRUE(fs_::exists(dir_ / "report-phone.png"));                                                       \
  } while (0)

}  // namespace sweetspot::cli::test_support
