// Reads one AWS::Serverless::Function of an AWS SAM template, with the template's
// Globals.Function applied as `sam local invoke` applies them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine_api/backend.h"
#include "util/error.h"

namespace sweetspot::definition {

struct TemplateFunction {
  std::string logical_id;
  std::filesystem::path code_dir;  // CodeUri resolved against the template's folder
  std::optional<std::string> runtime_id;
  std::optional<std::string> handler;
  std::optional<int> memory_mb;
  std::optional<double> timeout_s;
  std::optional<int> tmp_mb;
  std::optional<engine_api::Architecture> architecture;
  std::map<std::string, std::string> environment;
  std::vector<std::filesystem::path> layers;  // Globals' first, then the function's own
  // Variables whose value is an intrinsic function sweetspot cannot evaluate
  // locally (e.g. !GetAtt Table.Arn): name -> the message to show unless the
  // user gives the value with --env.
  std::map<std::string, std::string> unresolved_environment;
};

// `function_id` may be empty when the template defines exactly one function.
util::Result<TemplateFunction> read_sam_function(const std::filesystem::path& template_file,
                                                 const std::string& function_id);

// The logical ids of the template's AWS::Serverless::Function resources, in order.
util::Result<std::vector<std::string>> sam_function_ids(const std::filesystem::path& template_file);

}  // namespace sweetspot::definition
