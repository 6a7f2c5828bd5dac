// How a user names a function on the command line, the same for every command
// that takes one (invoke, tune, later serve): a code directory with flags, or a
// SAM template with a logical id. Also the local engine's own settings.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine_api/function_config.h"
#include "engine/local_backend.h"

namespace sweetspot::cli {

struct FunctionOptions {
  std::string code_dir;       // positional FUNCTION: a directory
  std::string template_file;  // --template
  std::string function_id;    // --function
  std::string runtime;        // --runtime
  std::string handler;        // --handler
  std::string python;         // --python
  std::string arch;           // --arch (the function's architecture)
  std::optional<double> timeout_s;
  std::optional<int> tmp_mb;
  std::vector<std::string> env;  // KEY=VALUE
  // The local engine.
  bool no_limits = false;
  double cpu_period_ms = 20;
  int min_visible_cores = engine_api::kMinVisibleCores;
  std::string init_cpu = "burst";
  std::string region;
};

enum class ArchOption { kRegister, kSkip };  // tune registers its own --arch (prices)

// Registers the function's options on `command`. `arch` says whether --arch is
// registered here.
void add_function_options(CLI::App& command, FunctionOptions& options, ArchOption arch = ArchOption::kRegister);

// Loads the function (directory or template). `memory_mb`, when set, overrides
// the configured size. Throws util::Fatal with a clear message.
engine_api::FunctionConfig load_function_config(const FunctionOptions& options, std::optional<int> memory_mb);

// The local engine's settings from the options (limits, CPU period, region...).
engine::LocalBackendOptions local_backend_options(const FunctionOptions& options, engine::EngineEvents* events);

// The local engine for `config`. Throws util::Fatal (exit 3) when the host cannot
// enforce Lambda's limits and --no-limits was not given.
std::unique_ptr<engine::LocalBackend> make_local_backend(const engine_api::FunctionConfig& config,
                                                         const FunctionOptions& options,
                                                         engine::EngineEvents* events);

// "KEY=VALUE" -> pair, or Fatal naming the bad item.
std::pair<std::string, std::string> parse_env_assignment(const std::string& item);

// --payload JSON|@FILE|-: the payload text, checked to be JSON.
std::string read_payload_argument(const std::string& argument);

}  // namespace sweetspot::cli
