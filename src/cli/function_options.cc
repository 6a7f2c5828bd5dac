#include "cli/function_options.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/option_checks.h"
#include "engine_api/config_checks.h"
#include "definition/function_definition.h"
#include "util/file.h"

namespace sweetspot::cli {

using util::ExitCode;
using util::Fatal;

void add_function_options(CLI::App& cmd, FunctionOptions& o, ArchOption arch) {
  cmd.add_option("FUNCTION", o.code_dir,
                 "Directory holding the function's code (default: the current directory; or use --template)");
  cmd.add_option("--template,-t", o.template_file, "AWS SAM template defining the function");
  cmd.add_option("--function,-f", o.function_id, "Logical id of the function in the template (needed when it has several)");
  cmd.add_option("--runtime", o.runtime, "Runtime: provided.al2023, python3.x, nodejs2x.x (detected from the code when not given)");
  cmd.add_option("--handler", o.handler, "Handler, e.g. app.handler (python: module.function, node: file.export)");
  cmd.add_option("--python", o.python, "Python interpreter for python runtimes (default: python3 on PATH)");
  if (arch == ArchOption::kRegister) {
    cmd.add_option("--arch", o.arch, "Architecture: x86_64 or arm64 (prices and the runtime's environment)")
        ->check(one_of({"x86_64", "arm64"}));
  }
  cmd.add_option("--timeout", o.timeout_s, "Timeout in seconds, 1 to 900 (default 3, or the template's)")
      ->check(decimal_number(engine_api::kMinTimeoutS, engine_api::kMaxTimeoutS, "seconds"));
  cmd.add_option("--tmp-size", o.tmp_mb, "Size of the private /tmp in MB, 512 to 10240 (default 512)")
      ->check(whole_number(engine_api::kMinTmpMb, engine_api::kMaxTmpMb, "MB"));
  cmd.add_option("--env", o.env, "Environment variable for the function, KEY=VALUE (repeatable)");
  cmd.add_flag("--no-limits", o.no_limits,
               "Run without cgroups (no root needed): nothing is capped, and every REPORT (a note under it), JSON "
               "record and tuned size is marked unenforced");
  cmd.add_option("--cpu-period", o.cpu_period_ms,
                 "CFS period in ms for the CPU quota (default 20: Lambda throttles on 20 ms boundaries)")
      ->check(decimal_number(1, 1000, "ms"));
  cmd.add_option("--min-cores", o.min_visible_cores,
                 "Cores a function sees at the smallest sizes (default 2: community measurement, unconfirmed)")
      ->check(whole_number(1, 6));
  cmd.add_option("--init-cpu", o.init_cpu,
                 "CPU during INIT: burst = at least 2 unthrottled vCPUs, as Lambda is reported to give init "
                 "(unconfirmed; the default), or proportional = memory/1769 as for invokes")
      ->check(one_of({"burst", "proportional"}));
  cmd.add_option("--region", o.region, "AWS region the function believes it runs in (default: AWS_REGION, else us-east-1)");
}

std::pair<std::string, std::string> parse_env_assignment(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Fatal("--env '" + item + "' is not KEY=VALUE: write it as --env NAME=value");
  }
  std::string name = item.substr(0, eq);
  if (auto problem = engine_api::environment_variable_problem(name)) {
    throw Fatal(fmt::format("--env '{}': {} {}", item, name, *problem));
  }
  return {std::move(name), item.substr(eq + 1)};
}

engine_api::FunctionConfig load_function_config(const FunctionOptions& o, std::optional<int> memory_mb) {
  definition::FunctionSource source;
  if (!o.template_file.empty()) {
    if (!o.code_dir.empty()) {
      throw Fatal("give either a FUNCTION directory or --template, not both");
    }
    source.template_file = o.template_file;
    source.function_id = o.function_id;
  } else {
    if (!o.function_id.empty()) throw Fatal("--function needs --template");
    // No FUNCTION: the current directory, as `sam local invoke` and `npm` take theirs.
    source.code_dir = o.code_dir.empty() ? std::filesystem::current_path().string() : o.code_dir;
  }
  auto& ov = source.overrides;
  if (!o.runtime.empty()) ov.runtime_id = o.runtime;
  if (!o.handler.empty()) ov.handler = o.handler;
  if (!o.python.empty()) ov.python = o.python;
  if (!o.arch.empty()) ov.architecture = util::value_or_throw(definition::parse_architecture(o.arch));
  ov.timeout_s = o.timeout_s;
  ov.tmp_mb = o.tmp_mb;
  ov.memory_mb = memory_mb;
  for (const auto& item : o.env) ov.environment.insert(parse_env_assignment(item));
  if (memory_mb && !engine_api::valid_memory_mb(*memory_mb)) {
    throw Fatal(fmt::format("--memory {} is outside Lambda's range: use {} to {} MB", *memory_mb,
                            engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb));
  }
  if (o.timeout_s && (*o.timeout_s < engine_api::kMinTimeoutS || *o.timeout_s > engine_api::kMaxTimeoutS)) {
    throw Fatal(fmt::format("--timeout {} is outside Lambda's range: use 1 to 900 seconds", *o.timeout_s));
  }
  if (o.tmp_mb && (*o.tmp_mb < engine_api::kMinTmpMb || *o.tmp_mb > engine_api::kMaxTmpMb)) {
    throw Fatal(fmt::format("--tmp-size {} is outside Lambda's range: use 512 to 10240 MB", *o.tmp_mb));
  }
  return util::value_or_throw(definition::load_function(source));
}

engine::LocalBackendOptions local_backend_options(const FunctionOptions& o, engine::EngineEvents* events) {
  engine::LocalBackendOptions options;
  options.limits = o.no_limits ? engine::LimitsMode::kUnenforced : engine::LimitsMode::kEnforced;
  options.cpu_period = std::chrono::microseconds(static_cast<int64_t>(o.cpu_period_ms * 1000));
  options.min_visible_cores = o.min_visible_cores;
  options.init_cpu = o.init_cpu == "proportional" ? engine::InitCpu::kProportional : engine::InitCpu::kBurst;
  options.events = events;
  if (!o.region.empty()) {
    options.region = o.region;
  } else if (const char* r = std::getenv("AWS_REGION"); r && *r) {
    options.region = r;
  }
  return options;
}

std::unique_ptr<engine::LocalBackend> make_local_backend(const engine_api::FunctionConfig& config,
                                                         const FunctionOptions& o, engine::EngineEvents* events) {
  auto backend = engine::LocalBackend::create(config, local_backend_options(o, events));
  if (!backend) throw Fatal(backend.error().message, ExitCode::kEnvironment);
  return std::move(*backend);
}

std::string read_payload_argument(const std::string& argument) {
  std::string text;
  if (argument == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else if (argument.starts_with("@")) {
    auto content = util::read_file(argument.substr(1));
    if (!content) throw Fatal("--payload " + argument + ": " + content.error().message);
    text = std::move(*content);
  } else {
    text = argument;
  }
  if (!nlohmann::json::accept(text)) {
    throw Fatal("--payload is not valid JSON: Lambda takes a JSON event, e.g. --payload '{\"key\": 1}'");
  }
  return text;
}

}  // namespace sweetspot::cli
