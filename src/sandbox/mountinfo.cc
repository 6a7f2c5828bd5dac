#include "sandbox/mountinfo.h"

#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
        s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Options of a v1 mount that are not controller names.
bool is_generic_option(std::string_view option) {
  return option == "rw" || option == "ro" || option.starts_with("name=") || option.starts_with("release_agent=") ||
         option == "noprefix" || option == "clone_children" || option == "xattr" || option == "cpuset_v2_mode" ||
         option == "all" || option == "none" || option == "favordynmods";
}

}  // namespace

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> mounts;
  for (const std::string& line : util::split(mountinfo, '\n')) {
    // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
    std::vector<std::string> fields;
    for (std::string& f : util::split(line, ' ')) {
      if (!f.empty()) fields.push_back(std::move(f));
    }
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash < 6 || dash + 3 >= fields.size()) continue;
    const std::string& fstype = fields[dash + 1];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount mount;
    mount.v2 = fstype == "cgroup2";
    mount.mount_point = unescape(fields[4]);
    if (!mount.v2) {
      for (std::string& option : util::split(fields[dash + 3], ',')) {
        if (!option.empty() && !is_generic_option(option)) mount.controllers.push_back(std::move(option));
      }
    }
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace sweetspot::sandbox
