// The cgroup mounts listed in /proc/self/mountinfo.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sweetspot::sandbox {

struct CgroupMount {
  bool v2 = false;                        // fstype cgroup2
  std::filesystem::path mount_point;      // octal escapes (\040) decoded
  std::vector<std::string> controllers;   // v1: super options that name controllers
};

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);

}  // namespace sweetspot::sandbox
