#include "engine/environment_variables.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

std::map<std::string, std::string> lambda_environment(const FunctionConfig& config, const LaunchSpec& launch,
                                                      const RuntimeSite& site,
                                                      const std::map<std::string, std::string>& caller_aws) {
  std::map<std::string, std::string> vars = launch.env;
  for (const auto& [k, v] : caller_aws) vars[k] = v;
  for (const auto& [k, v] : config.environment) vars[k] = v;
  const std::string region = vars.contains("AWS_REGION") ? vars["AWS_REGION"] : site.region;
  vars["AWS_LAMBDA_RUNTIME_API"] = site.runtime_api;
  vars["_HANDLER"] = config.handler;
  vars["LAMBDA_TASK_ROOT"] = launch.working_dir.string();
  vars["LAMBDA_RUNTIME_DIR"] = launch.runtime_dir.string();
  vars["AWS_LAMBDA_FUNCTION_NAME"] = config.name;
  vars["AWS_LAMBDA_FUNCTION_VERSION"] = config.version;
  vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_mb);
  vars["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + config.name;
  vars["AWS_LAMBDA_LOG_STREAM_NAME"] = site.log_stream;
  vars["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  // Lambda names the managed language runtimes here; OS-only (provided) runtimes get none.
  if (config.runtime != RuntimeFamily::kProvided) vars["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + config.runtime_id;
  vars["AWS_REGION"] = region;
  if (!vars.contains("AWS_DEFAULT_REGION")) vars["AWS_DEFAULT_REGION"] = region;
  // Not reserved: Lambda lets a function set its own time zone and locale.
  if (!config.environment.contains("TZ")) vars["TZ"] = ":UTC";
  if (!config.environment.contains("LANG")) vars["LANG"] = "en_US.UTF-8";
  if (site.xray_daemon) {
    vars["AWS_XRAY_DAEMON_ADDRESS"] = *site.xray_daemon;
    vars["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
  }
  return vars;
}

std::vector<std::string> to_envp(const std::map<std::string, std::string>& vars) {
  std::vector<std::string> env;
  env.reserve(vars.size());
  for (const auto& [k, v] : vars) env.push_back(k + "=" + v);
  return env;
}

}  // namespace sweetspot::engine
