// Finds credentials and the region the way the AWS CLI does: AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, --profile or AWS_PROFILE (an
// explicit --profile ignores the key variables, as the CLI does), a profile's
// role_arn + source_profile (or credential_source = Environment) through STS
// AssumeRole, chained, then keys in the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) or the config file
// (AWS_CONFIG_FILE, ~/.aws/config). Region: --region, AWS_REGION,
// AWS_DEFAULT_REGION, the profile's `region`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/ini.h"
#include "util/error.h"

namespace sweetspot::aws {

// Reads an environment variable; "" when unset. Tests pass their own.
using EnvLookup = std::function<std::string(const std::string& name)>;
EnvLookup process_environment();

enum class ProfileChoice { kDefault, kExplicit };  // --profile given on the command line

struct ChainRequest {
  std::string profile;  // --profile; empty: AWS_PROFILE, else "default"
  std::string region;   // --region (or the function ARN's); empty: look it up
};

// One sts:AssumeRole call of a role chain.
struct RoleStep {
  std::string role_arn;
  std::string session_name;
  std::string external_id;
  int duration_seconds = 0;  // 0: STS's default
  std::string profile;       // the profile that names the role
};

// What was found, before any network call: long-term (or session) credentials,
// then the roles to assume with them, first to last.
struct CredentialPlan {
  Credentials base;
  std::vector<RoleStep> roles;
  std::string profile;  // the profile in use
  std::string region;   // empty when nothing names one
};

// The two files, parsed; a missing file is an empty one.
struct SharedFiles {
  IniFile config;
  IniFile credentials;
  std::string config_path;
  std::string credentials_path;
};
util::Result<SharedFiles> load_shared_files(const EnvLookup& env);

util::Result<CredentialPlan> plan_credentials(const ChainRequest& request, const SharedFiles& files,
                                              const EnvLookup& env);

// Runs the plan's role steps through `assume` (STS) and returns the last
// credentials: the ones requests are signed with.
using AssumeRole = std::function<util::Result<Credentials>(const Credentials& with, const RoleStep& step)>;
util::Result<Credentials> obtain_credentials(const CredentialPlan& plan, const AssumeRole& assume);

}  // namespace sweetspot::aws
