#include "aws/credential_chain.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "util/file.h"

namespace sweetspot::aws {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRoleChain = 8;

std::string expand_home(const std::string& path, const EnvLookup& env) {
  if (path.starts_with("~/") || path == "~") return env("HOME") + path.substr(1);
  return path;
}

util::Result<IniFile> load(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return IniFile{};
  auto text = util::read_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_ini(*text, path);
}

const IniSection* find(const IniFile& file, const std::string& name) {
  const auto it = file.find(name);
  return it == file.end() ? nullptr : &it->second;
}

std::string get(const IniSection* section, const std::string& key) {
  if (section == nullptr) return "";
  const auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

struct Profile {
  const IniSection* config = nullptr;       // [profile NAME] (or [default]) in the config file
  const IniSection* credentials = nullptr;  // [NAME] in the credentials file
};

Profile find_profile(const SharedFiles& files, const std::string& name) {
  Profile p;
  p.config = find(files.config, "profile " + name);
  if (p.config == nullptr && name == "default") p.config = find(files.config, "default");
  p.credentials = find(files.credentials, name);
  return p;
}

std::optional<Credentials> static_keys(const Profile& p, const SharedFiles& files, const std::string& name) {
  for (const auto& [section, path] : {std::pair{p.credentials, files.credentials_path}, std::pair{p.config, files.config_path}}) {
    const std::string id = get(section, "aws_access_key_id");
    const std::string secret = get(section, "aws_secret_access_key");
    if (!id.empty() && !secret.empty()) {
      return Credentials{id, secret, get(section, "aws_session_token"), fmt::format("profile {} ({})", name, path)};
    }
  }
  return std::nullopt;
}

std::optional<Credentials> environment_keys(const EnvLookup& env) {
  const std::string id = env("AWS_ACCESS_KEY_ID");
  const std::string secret = env("AWS_SECRET_ACCESS_KEY");
  if (id.empty() || secret.empty()) return std::nullopt;
  return Credentials{id, secret, env("AWS_SESSION_TOKEN"), "environment variables"};
}

util::Result<void> resolve_profile(const std::string& name, const SharedFiles& files, const EnvLookup& env,
                                   std::set<std::string>& visited, CredentialPlan& plan) {
  const Profile p = find_profile(files, name);
  if (p.config == nullptr && p.credentials == nullptr) {
    return util::fail(fmt::format(
        "AWS profile \"{}\" is in neither {} nor {}: create it (aws configure --profile {}) or name another with "
        "--profile",
        name, files.config_path, files.credentials_path, name));
  }
  visited.insert(name);
  const std::string role_arn = get(p.config, "role_arn");
  if (role_arn.empty()) {
    if (auto keys = static_keys(p, files, name)) {
      plan.base = std::move(*keys);
      return {};
    }
    return util::fail(fmt::format(
        "AWS profile \"{}\" has no aws_access_key_id / aws_secret_access_key and no role_arn; sweetspot does not "
        "run SSO, credential_process or instance roles: export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and "
        "AWS_SESSION_TOKEN) from them, e.g. with `aws configure export-credentials --profile {} --format env`",
        name, name));
  }
  if (!get(p.config, "mfa_serial").empty()) {
    return util::fail(fmt::format(
        "AWS profile \"{}\" needs an MFA code (mfa_serial), which sweetspot does not ask for: export temporary "
        "credentials first (aws configure export-credentials --profile {} --format env)",
        name, name));
  }
  // Each source_profile step is one more role to assume: bounded like the CLI's chains.
  if (static_cast<int>(visited.size()) > kMaxRoleChain) {
    return util::fail(fmt::format("AWS profile \"{}\": the role chain is longer than {} roles", name, kMaxRoleChain));
  }
  RoleStep step;
  step.role_arn = role_arn;
  step.profile = name;
  step.session_name = get(p.config, "role_session_name");
  if (step.session_name.empty()) {
    step.session_name = fmt::format(
        "sweetspot-{}", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  }
  step.external_id = get(p.config, "external_id");
  if (const std::string d = get(p.config, "duration_seconds"); !d.empty()) {
    char* end = nullptr;
    const long value = std::strtol(d.c_str(), &end, 10);
    if (end == d.c_str() || *end != '\0' || value < 900 || value > 43200) {
      return util::fail(fmt::format("AWS profile \"{}\": duration_seconds must be 900 to 43200", name));
    }
    step.duration_seconds = static_cast<int>(value);
  }
  const std::string source_profile = get(p.config, "source_profile");
  const std::string credential_source = get(p.config, "credential_source");
  if (!source_profile.empty() && !credential_source.empty()) {
    return util::fail(fmt::format("AWS profile \"{}\" has both source_profile and credential_source: keep one", name));
  }
  if (!source_profile.empty()) {
    if (source_profile == name) {
      // A profile may be its own source when it holds keys (the CLI allows it).
      auto keys = static_keys(p, files, name);
      if (!keys) return util::fail(fmt::format("AWS profile \"{}\" is its own source_profile but has no keys", name));
      plan.base = std::move(*keys);
    } else if (visited.contains(source_profile)) {
      return util::fail(fmt::format("AWS profile \"{}\": source_profile \"{}\" makes a loop", name, source_profile));
    } else if (auto source = resolve_profile(source_profile, files, env, visited, plan); !source) {
      return source;
    }
  } else if (credential_source == "Environment") {
    auto keys = environment_keys(env);
    if (!keys) {
      return util::fail(fmt::format(
          "AWS profile \"{}\" takes its credentials from the environment, but AWS_ACCESS_KEY_ID and "
          "AWS_SECRET_ACCESS_KEY are not both set",
          name));
    }
    plan.base = std::move(*keys);
  } else if (!credential_source.empty()) {
    return util::fail(fmt::format(
        "AWS profile \"{}\": credential_source = {} is not supported by sweetspot (only Environment); use "
        "source_profile, or export credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
        name, credential_source));
  } else {
    return util::fail(fmt::format("AWS profile \"{}\" has role_arn but neither source_profile nor credential_source", name));
  }
  plan.roles.push_back(std::move(step));
  return {};
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::string {
    const char* value = std::getenv(name.c_str());
    return value ? value : "";
  };
}

util::Result<SharedFiles> load_shared_files(const EnvLookup& env) {
  SharedFiles files;
  files.config_path = env("AWS_CONFIG_FILE");
  if (files.config_path.empty()) files.config_path = "~/.aws/config";
  files.credentials_path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (files.credentials_path.empty()) files.credentials_path = "~/.aws/credentials";
  files.config_path = expand_home(files.config_path, env);
  files.credentials_path = expand_home(files.credentials_path, env);
  auto config = load(files.config_path);
  if (!config) return std::unexpected(config.error());
  auto credentials = load(files.credentials_path);
  if (!credentials) return std::unexpected(credentials.error());
  files.config = std::move(*config);
  files.credentials = std::move(*credentials);
  return files;
}

util::Result<CredentialPlan> plan_credentials(const ChainRequest& request, const SharedFiles& files,
                                              const EnvLookup& env) {
  CredentialPlan plan;
  const bool explicit_profile = !request.profile.empty();
  plan.profile = explicit_profile ? request.profile : env("AWS_PROFILE");
  if (plan.profile.empty()) plan.profile = "default";

  plan.region = request.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (plan.region.empty()) plan.region = env(name);
  }
  if (plan.region.empty()) plan.region = get(find_profile(files, plan.profile).config, "region");

  // An explicit --profile wins over the key variables; AWS_PROFILE does not.
  if (!explicit_profile) {
    if (auto keys = environment_keys(env)) {
      plan.base = std::move(*keys);
      return plan;
    }
    const Profile p = find_profile(files, plan.profile);
    if (p.config == nullptr && p.credentials == nullptr && plan.profile == "default") {
      return util::fail(fmt::format(
          "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile "
          "(aws configure; read from {} and {}) and name it with --profile",
          files.config_path, files.credentials_path));
    }
  }
  std::set<std::string> visited;
  if (auto resolved = resolve_profile(plan.profile, files, env, visited, plan); !resolved) {
    return std::unexpected(resolved.error());
  }
  return plan;
}

util::Result<Credentials> obtain_credentials(const CredentialPlan& plan, const AssumeRole& assume) {
  Credentials current = plan.base;
  for (const RoleStep& step : plan.roles) {
    auto next = assume(current, step);
    if (!next) {
      return util::fail(fmt::format("assuming role {} for AWS profile \"{}\" (with credentials from {}): {}",
                                    step.role_arn, step.profile, current.source, next.error().message));
    }
    current = std::move(*next);
  }
  return current;
}

}  // namespace sweetspot::aws
