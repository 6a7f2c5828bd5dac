#include "aws/config_fuzz.h"

#include <gtest/gtest.h>

#include <string>

namespace sweetspot::aws {
namespace {

int fuzz(const std::string& bytes) {
  return fuzz_shared_files(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

TEST(ConfigFuzz, ResolvesTheProfilesItIsGiven) {
  const std::string config = "[profile cross]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n";
  const std::string credentials = "[base]\naws_access_key_id = A\naws_secret_access_key = S\n";
  EXPECT_EQ(fuzz(config + std::string(1, '\0') + credentials), 2);  // cross (a role plan) and base
}

TEST(ConfigFuzz, SurvivesGarbageLoopsAndDeepChains) {
  EXPECT_EQ(fuzz(""), 0);
  EXPECT_EQ(fuzz(std::string("\0\0\0[", 4)), 0);
  EXPECT_EQ(fuzz("[profile a]\nrole_arn=x\nsource_profile=b\n[profile b]\nrole_arn=y\nsource_profile=a\n"), 0);
  std::string chain;
  for (int i = 0; i < 50; ++i) {
    chain += "[profile p" + std::to_string(i) + "]\nrole_arn=r\nsource_profile=p" + std::to_string(i + 1) + "\n";
  }
  chain += "[profile p50]\naws_access_key_id=A\naws_secret_access_key=S\n";
  EXPECT_GE(fuzz(chain), 1);  // the short chains resolve; the long ones stop at the limit
}

}  // namespace
}  // namespace sweetspot::aws
