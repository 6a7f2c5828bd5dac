// The one builder of the environment a function's runtime starts with: what its
// runtime family needs (the launch spec), the caller's AWS settings, the
// function's own variables, and Lambda's reserved variables on top.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine_api/function_config.h"
#include "engine/runtime_launch.h"

namespace sweetspot::engine {

// What only the execution environment knows when it starts a runtime.
struct RuntimeSite {
  std::string runtime_api;                 // host:port of its Runtime API server
  std::string log_stream;                  // AWS_LAMBDA_LOG_STREAM_NAME
  std::string region;                      // used unless the caller or the function sets AWS_REGION
  std::optional<std::string> xray_daemon;  // host:port of the local X-Ray daemon, if any
};

// Lambda's variables for `config` started as `launch` says. Precedence, lowest
// first: the launch spec's (PATH, PYTHONPATH, ...), `caller_aws` (see
// caller_aws_environment()), the function's own, then Lambda's reserved ones
// (AWS_LAMBDA_*, _HANDLER, LAMBDA_TASK_ROOT, LAMBDA_RUNTIME_DIR, AWS_REGION, ...),
// which no function can override. TZ and LANG are Lambda's defaults a function
// may change.
std::map<std::string, std::string> lambda_environment(const engine_api::FunctionConfig& config, const LaunchSpec& launch,
                                                      const RuntimeSite& site,
                                                      const std::map<std::string, std::string>& caller_aws);

// "NAME=value" entries, as execve takes them.
std::vector<std::string> to_envp(const std::map<std::string, std::string>& vars);

}  // namespace sweetspot::engine
