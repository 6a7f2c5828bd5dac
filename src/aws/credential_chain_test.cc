#include "aws/credential_chain.h"

#include <gtest/gtest.h>

#include <map>

namespace sweetspot::aws {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) {
    const auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

SharedFiles files(const std::string& config, const std::string& credentials) {
  SharedFiles f;
  f.config = *parse_ini(config, "config");
  f.credentials = *parse_ini(credentials, "credentials");
  f.config_path = "/home/u/.aws/config";
  f.credentials_path = "/home/u/.aws/credentials";
  return f;
}

const char* kCredentials =
    "[default]\naws_access_key_id = AKIDEFAULT\naws_secret_access_key = defaultsecret\n"
    "[dev]\naws_access_key_id = AKIDEV\naws_secret_access_key = devsecret\naws_session_token = devtoken\n";
const char* kConfig =
    "[default]\nregion = eu-west-1\n"
    "[profile dev]\nregion = us-west-2\n"
    "[profile cross]\nrole_arn = arn:aws:iam::111111111111:role/tuner\nsource_profile = dev\nexternal_id = x1\n"
    "[profile chained]\nrole_arn = arn:aws:iam::222222222222:role/second\nsource_profile = cross\n"
    "role_session_name = mine\n"
    "[profile loop-a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop-b\n"
    "[profile loop-b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop-a\n"
    "[profile fromenv]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Environment\n"
    "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/u\n"
    "[profile sso]\nsso_start_url = https://x\n"
    "[profile keys-in-config]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfgsecret\n";

TEST(CredentialChain, EnvironmentVariablesComeFirst) {
  auto plan = plan_credentials({}, files(kConfig, kCredentials),
                               env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                       {"AWS_SESSION_TOKEN", "envtoken"}, {"AWS_DEFAULT_REGION", "ap-south-1"}}));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->base.access_key_id, "AKIDENV");
  EXPECT_EQ(plan->base.session_token, "envtoken");
  EXPECT_EQ(plan->region, "ap-south-1");
  EXPECT_TRUE(plan->roles.empty());
}

TEST(CredentialChain, ExplicitProfileBeatsTheVariablesButAwsProfileDoesNot) {
  const auto env = env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"}, {"AWS_PROFILE", "dev"}});
  auto by_variable = plan_credentials({}, files(kConfig, kCredentials), env);
  ASSERT_TRUE(by_variable);
  EXPECT_EQ(by_variable->base.access_key_id, "AKIDENV");
  EXPECT_EQ(by_variable->region, "us-west-2");  // AWS_PROFILE still picks the region

  auto explicit_profile = plan_credentials({"dev", ""}, files(kConfig, kCredentials), env);
  ASSERT_TRUE(explicit_profile);
  EXPECT_EQ(explicit_profile->base.access_key_id, "AKIDEV");
  EXPECT_EQ(explicit_profile->base.session_token, "devtoken");
  EXPECT_EQ(explicit_profile->region, "us-west-2");
}

TEST(CredentialChain, DefaultProfileAndRegionOrder) {
  auto plan = plan_credentials({}, files(kConfig, kCredentials), env_of({}));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->base.access_key_id, "AKIDEFAULT");
  EXPECT_EQ(plan->region, "eu-west-1");
  plan = plan_credentials({"", "sa-east-1"}, files(kConfig, kCredentials), env_of({{"AWS_REGION", "x"}}));
  EXPECT_EQ(plan->region, "sa-east-1");
  plan = plan_credentials({}, files(kConfig, kCredentials), env_of({{"AWS_REGION", "ca-central-1"}, {"AWS_DEFAULT_REGION", "y"}}));
  EXPECT_EQ(plan->region, "ca-central-1");
  plan = plan_credentials({"keys-in-config", ""}, files(kConfig, kCredentials), env_of({}));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->base.access_key_id, "AKIDCFG");
}

TEST(CredentialChain, RoleChainsAssumeInOrder) {
  auto plan = plan_credentials({"chained", ""}, files(kConfig, kCredentials), env_of({}));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->base.access_key_id, "AKIDEV");
  ASSERT_EQ(plan->roles.size(), 2u);
  EXPECT_EQ(plan->roles[0].role_arn, "arn:aws:iam::111111111111:role/tuner");
  EXPECT_EQ(plan->roles[0].external_id, "x1");
  EXPECT_EQ(plan->roles[1].role_arn, "arn:aws:iam::222222222222:role/second");
  EXPECT_EQ(plan->roles[1].session_name, "mine");

  std::vector<std::string> calls;
  auto creds = obtain_credentials(*plan, [&](const Credentials& with, const RoleStep& step) -> util::Result<Credentials> {
    calls.push_back(with.access_key_id + "->" + step.role_arn);
    return Credentials{"ASIA" + std::to_string(calls.size()), "s", "t", "role"};
  });
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->access_key_id, "ASIA2");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], "AKIDEV->arn:aws:iam::111111111111:role/tuner");
  EXPECT_EQ(calls[1], "ASIA1->arn:aws:iam::222222222222:role/second");
}

TEST(CredentialChain, CredentialSourceEnvironment) {
  auto plan = plan_credentials({"fromenv", ""}, files(kConfig, kCredentials),
                               env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"}}));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->base.access_key_id, "AKIDENV");
  EXPECT_EQ(plan->roles.size(), 1u);
}

TEST(CredentialChain, ClearErrorsThatNeverShowSecrets) {
  const auto f = files(kConfig, kCredentials);
  for (const std::string profile : {"nope", "loop-a", "mfa", "sso"}) {
    auto plan = plan_credentials({profile, ""}, f, env_of({}));
    ASSERT_FALSE(plan) << profile;
    EXPECT_NE(plan.error().message.find(profile), std::string::npos) << plan.error().message;
    for (const char* secret : {"devsecret", "defaultsecret", "devtoken"}) {
      EXPECT_EQ(plan.error().message.find(secret), std::string::npos);
    }
  }
  auto none = plan_credentials({}, files("", ""), env_of({}));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);

  auto failing = obtain_credentials(*plan_credentials({"cross", ""}, f, env_of({})),
                                    [](const Credentials&, const RoleStep&) -> util::Result<Credentials> {
                                      return util::fail("AccessDenied (HTTP 403): not allowed");
                                    });
  ASSERT_FALSE(failing);
  EXPECT_NE(failing.error().message.find("arn:aws:iam::111111111111:role/tuner"), std::string::npos);
  EXPECT_EQ(failing.error().message.find("devsecret"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::aws
