// How each runtime family is started: the command line, the filesystem it sees
// and the search paths only that runtime needs. Lambda's reserved variables
// (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...) and the function's own
// are added by the one builder, lambda_environment() (environment_variables.h).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine_api/function_config.h"
#include "sandbox/filesystem_view.h"
#include "util/error.h"

namespace sweetspot::engine {

// Where the runtime finds the function's files.
enum class PathLayout {
  // Lambda's: the code at /var/task, the runtime client at /var/runtime, the
  // layers merged at /opt (LaunchSpec::view says what to mount where).
  kLambda,
  // The host's own paths (when no mount namespace can be made: --no-limits
  // without privileges).
  kHost,
};

// Lambda's paths.
inline const std::filesystem::path kTaskRoot = "/var/task";
inline const std::filesystem::path kRuntimeRoot = "/var/runtime";
inline const std::filesystem::path kLayersRoot = "/opt";

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0] is an absolute path
  std::map<std::string, std::string> env;  // search paths: PATH, LD_LIBRARY_PATH, PYTHONPATH, NODE_PATH, ...
  std::filesystem::path working_dir;  // the code directory: /var/task in Lambda's layout
  std::filesystem::path runtime_dir;  // LAMBDA_RUNTIME_DIR: /var/runtime in Lambda's layout
  sandbox::FilesystemView view;       // kLambda: what the environment mounts where
  // When the interpreter that runs is not the version the runtime id names
  // (nodejs16.x on this host's Node 20): plain words for every output; else empty.
  std::string note;
};

// provided.*: <code>/bootstrap. python3.x: <python3> <runtimes>/python/bootstrap.py.
// nodejs*: node <Lambda's V8 flags> <runtimes>/node/bootstrap.mjs (aws-lambda-ric).
// Errors name what cannot be reached and why.
util::Result<LaunchSpec> launch_spec(const engine_api::FunctionConfig& config, PathLayout layout = PathLayout::kHost);

// Where runtimes/ is: $SWEETSPOT_RUNTIMES_DIR, else <the binary's folder>/../share/sweetspot/runtimes
// when sweetspot is installed (cmake --install), else the source tree's, fixed at build time.
std::filesystem::path runtimes_dir();

// The caller's AWS credentials, region and endpoints (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_*), passed through so that an SDK inside the
// function reaches what the user's shell reaches. Never print these values.
std::map<std::string, std::string> caller_aws_environment();

}  // namespace sweetspot::engine
