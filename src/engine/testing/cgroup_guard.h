// Tests that need real cgroups skip without them, with the reason, except under
// CI=true, where a missing capability is a failure.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

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

}  // namespace sweetspot::engine::testing

// Use at the top of a test body.
#define SWEETSPOT_REQUIRE_CGROUPS(host_var)                                        \
  auto host_var##_opt = ::sweetspot::engine::testing::cgroup_host_or_skip();        \
  if (!host_var##_opt) {                                                            \
    if (::sweetspot::engine::testing::running_in_ci()) return;                      \
    GTEST_SKIP() << "needs root and cgroups (run as root, or CI=true to require)";  \
  }                                                                                 \
  [[maybe_unused]] const ::sweetspot::sandbox::CgroupHost& host_var = *host_var##_opt
