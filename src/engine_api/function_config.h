// A function as Lambda knows it: code, runtime, handler and configuration.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/backend.h"
#include "engine_api/lambda_limits.h"

namespace sweetspot::engine_api {

// The account id of functions that run here (serve's ARNs, SAM's AWS::AccountId,
// the ARN a function is handed): the placeholder AWS's own documentation uses.
inline constexpr std::string_view kLocalAccountId = "123456789012";

enum class RuntimeFamily {
  kProvided,  // provided.al2023 and friends: an executable `bootstrap`
  kPython,    // python3.x: sweetspot's own runtime interface client
  kNode,      // nodejs*: AWS's aws-lambda-ric from npm
};

struct FunctionConfig {
  std::string name = "function";
  std::filesystem::path code_dir;
  RuntimeFamily runtime = RuntimeFamily::kProvided;
  std::string runtime_id = "provided.al2023";  // as in a SAM template, for the log
  bool runtime_detected = false;  // runtime_id is sweetspot's default for the code, not one the user named
  std::string handler;                          // e.g. "app.handler"; unused for provided
  int memory_mb = 128;
  double timeout_s = kDefaultTimeoutS;
  int tmp_mb = kDefaultTmpMb;
  Architecture architecture = Architecture::kX86_64;
  std::map<std::string, std::string> environment;  // the function's own variables
  std::filesystem::path python;  // interpreter for kPython; empty = python3 on PATH
  // Local layer contents in the order Lambda applies them (it extracts each to
  // /opt, a later layer's files winning); the runtime finds them on its paths.
  std::vector<std::filesystem::path> layers;
  // The version an environment runs: "$LATEST", or a published version's number
  // (`serve` invoking a version or an alias). START lines and
  // AWS_LAMBDA_FUNCTION_VERSION name it, as Lambda does.
  std::string version = "$LATEST";
};

}  // namespace sweetspot::engine_api
