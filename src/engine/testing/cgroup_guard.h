// Tests that need real cgroups skip without them, with the reason, except under
// CI=true, where a missing capability is a failure.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"

namespace sweetspot::engine::testing {

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Returns the host, or nullopt after marking the test skipped (or failed in CI).
inline std::optional<sandbox::CgroupHost> cgroup_host_or_skip() {
  auto host = sandbox::CgroupHost::detect();
  if (host) return *host;
  if (running_in_ci()) {
    ADD_FAILURE() << "cgroups are required under CI=true: " << host.error().message;
  } else {
    GTEST_LOG_(INFO) << "skipping: " << host.error().message;
  }
  return std::nullopt;
}

// Groups that belong to sweetspot process `pid` (it names them <pid>-...), in
// every hierarchy: what a run must not leave behind.
inline std::vector<std::filesystem::path> cgroups_of(const sandbox::CgroupHost& host, pid_t pid) {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots, found;
  if (host.version == sandbox::CgroupVersion::kV2) roots.push_back(host.unified / "sweetspot");
  for (const auto& [name, mount] : host.v1_mounts) roots.push_back(mount / "sweetspot");
  const std::string prefix = std::to_string(pid) + "-";
  for (const auto& root : roots) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      // The v1 freezer sentinel lives exactly as long as the groups it serves.
      if (name.starts_with(prefix) && !name.ends_with("frozen-sentinel")) found.push_back(entry.path());
    }
  }
  return found;
}

}  // namespace sweetspot::engine::testing

// Use at the top of a test body.
#define SWEETSPOT_REQUIRE_CGROUPS(host_var)                                        \
  auto host_var##_opt = ::sweetspot::engine::testing::cgroup_host_or_skip();        \
  if (!host_var##_opt) {                                                            \
    if (::sweetspot::engine::testing::running_in_ci()) return;                      \
    GTEST_SKIP() << "needs root and cgroups (run as root, or CI=true to require)";  \
  }                                                                                 \
  [[maybe_unused]] const ::sweetspot::sandbox::CgroupHost& host_var = *host_var##_opt
