// Where a function comes from: a code directory with flags, or an AWS SAM template
// (`--template template.yaml [--function LogicalId]`). Both end as one
// FunctionConfig, so every command that takes a function accepts both the same way.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "engine_api/function_config.h"
#include "util/error.h"

namespace sweetspot::definition {

// What the user said on the command line; each set value wins over the template
// and over what is detected from the code.
struct FunctionOverrides {
  std::optional<std::string> runtime_id{};  // "python3.12", "nodejs20.x", "provided.al2023"
  std::optional<std::string> handler{};
  std::optional<int> memory_mb{};
  std::optional<double> timeout_s{};
  std::optional<int> tmp_mb{};
  std::optional<engine_api::Architecture> architecture{};
  std::map<std::string, std::string> environment{};  // merged over the template's
  std::optional<std::filesystem::path> python{};     // interpreter for python runtimes
};

struct FunctionSource {
  std::filesystem::path code_dir{};       // a directory of code ...
  std::filesystem::path template_file{};  // ... or a SAM template
  std::string function_id{};              // logical id; optional with one function
  FunctionOverrides overrides{};
};

util::Result<engine_api::FunctionConfig> load_function(const FunctionSource& source);

// "python3.12" -> kPython, "nodejs20.x" -> kNode, "provided.al2023" -> kProvided.
util::Result<engine_api::RuntimeFamily> runtime_family(std::string_view runtime_id);

util::Result<engine_api::Architecture> parse_architecture(std::string_view name);

}  // namespace sweetspot::definition
