#include "sandbox/mountinfo.h"

#include <gtest/gtest.h>

namespace sweetspot::sandbox {
namespace {

TEST(Mountinfo, FindsV1ControllersAndTheV2Mount) {
  const char* text =
      "23 1 0:21 / /proc rw,nosuid - proc proc rw\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/my\\040unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
  const auto mounts = parse_cgroup_mounts(text);
  ASSERT_EQ(mounts.size(), 4u);
  EXPECT_FALSE(mounts[0].v2);
  EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(mounts[0].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ(mounts[1].controllers, (std::vector<std::string>{"memory"}));
  EXPECT_TRUE(mounts[2].controllers.empty());  // a named hierarchy has no controller
  EXPECT_TRUE(mounts[3].v2);
  EXPECT_EQ(mounts[3].mount_point, "/sys/fs/cgroup/my unified");
}

TEST(Mountinfo, IgnoresMalformedLines) {
  EXPECT_TRUE(parse_cgroup_mounts("garbage\n\n1 2 3 - cgroup\n").empty());
}

}  // namespace
}  // namespace sweetspot::sandbox
