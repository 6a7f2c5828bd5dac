// The options of `sweetspot tune` for a function deployed in AWS: its ARN (the
// FUNCTION argument) or --function-name, and how to reach and change it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace sweetspot::cli {

struct FunctionOptions;

struct AwsOptions {
  std::string function_name;  // --function-name
  std::string endpoint_url;   // --endpoint-url
  std::string profile;        // --profile
  std::string alias;          // --alias (with --apply)
  bool dry_run = false;
  bool apply = false;
  double update_timeout_s = 300;  // --update-timeout
};

void add_aws_options(CLI::App& command, AwsOptions& options);

// True when the user named a deployed function (an ARN or --function-name).
// Throws util::Fatal for AWS options given with a local function.
bool names_deployed_function(const FunctionOptions& function, const AwsOptions& aws);

}  // namespace sweetspot::cli
