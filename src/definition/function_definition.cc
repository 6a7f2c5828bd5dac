#include "definition/function_definition.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "engine_api/config_checks.h"
#include "definition/sam_template.h"

namespace sweetspot::definition {

using engine_api::Architecture;
using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;
using engine_api::memory_problem;
using engine_api::timeout_problem;
using engine_api::tmp_problem;

namespace {

namespace fs = std::filesystem;

// The runtime ids sweetspot reports when it detects a family from the code.
constexpr std::string_view kDefaultPython = "python3.12";
constexpr std::string_view kDefaultNode = "nodejs20.x";
constexpr std::string_view kDefaultProvided = "provided.al2023";

constexpr std::string_view kJsExtensions[] = {".js", ".mjs", ".cjs"};

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

bool has_js_module(const fs::path& dir, const std::string& module) {
  return std::ranges::any_of(kJsExtensions, [&](std::string_view ext) {
    std::error_code ec;  // a handler too long for a path names no file
    return fs::is_regular_file(dir / (module + std::string(ext)), ec);
  });
}

// The module part of "module.function" as a path: "pkg.mod.fn" -> "pkg/mod".
std::string python_module_path(const std::string& handler) {
  const auto dot = handler.rfind('.');
  std::string module = handler.substr(0, dot == std::string::npos ? 0 : dot);
  std::ranges::replace(module, '.', '/');
  return module;
}

std::string js_module_path(const std::string& handler) {
  const auto dot = handler.rfind('.');
  return handler.substr(0, dot == std::string::npos ? 0 : dot);
}

struct CodeFiles {
  bool executable_bootstrap = false;
  bool bootstrap = false;
  std::set<std::string> python;  // top-level file names
  std::set<std::string> js;
};

util::Result<CodeFiles> scan(const fs::path& dir) {
  CodeFiles files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (std::error_code entry_ec; !entry.is_regular_file(entry_ec)) continue;
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (name == "bootstrap") {
      files.bootstrap = true;
      files.executable_bootstrap = is_executable_file(entry.path());
    } else if (ext == ".py") {
      files.python.insert(name);
    } else if (std::ranges::find(kJsExtensions, ext) != std::end(kJsExtensions)) {
      files.js.insert(name);
    }
  }
  if (ec) return util::fail(fmt::format("{}: cannot list the function's code: {}", dir.string(), ec.message()));
  return files;
}

util::Result<RuntimeFamily> detect_family(const fs::path& dir, const std::optional<std::string>& handler) {
  auto files = scan(dir);
  if (!files) return std::unexpected(files.error());
  if (files->executable_bootstrap) return RuntimeFamily::kProvided;
  // A handler names its module: that file decides when both kinds of code are there.
  if (handler) {
    std::error_code unreadable;  // a handler too long for a path names no file
    const bool py = fs::is_regular_file(dir / (python_module_path(*handler) + ".py"), unreadable);
    const bool js = has_js_module(dir, js_module_path(*handler));
    if (py != js) return py ? RuntimeFamily::kPython : RuntimeFamily::kNode;
  }
  const bool py = !files->python.empty();
  const bool js = !files->js.empty();
  if (py && js) {
    return util::fail(fmt::format("{}: holds both Python and JavaScript files, so its runtime is ambiguous: pass "
                                  "--runtime (e.g. python3.12 or nodejs20.x) and --handler",
                                  dir.string()));
  }
  if (py) return RuntimeFamily::kPython;
  if (js) return RuntimeFamily::kNode;
  if (files->bootstrap) return RuntimeFamily::kProvided;  // launching it explains the missing exec bit
  return util::fail(fmt::format("{}: cannot tell the function's runtime: there is no executable bootstrap, *.py, "
                                "*.js or *.mjs file; pass --runtime and --handler, or point at the code directory",
                                dir.string()));
}

util::Result<std::string> default_handler(const fs::path& dir, RuntimeFamily family) {
  auto files = scan(dir);
  if (!files) return std::unexpected(files.error());
  if (family == RuntimeFamily::kPython) {
    if (files->python.contains("lambda_function.py")) return std::string("lambda_function.lambda_handler");
    return util::fail(fmt::format(
        "{}: no handler given and no lambda_function.py (Lambda's default module): pass --handler "
        "<module>.<function>{}",
        dir.string(),
        files->python.empty() ? "" : fmt::format(" (Python files here: {})", fmt::join(files->python, ", "))));
  }
  if (family == RuntimeFamily::kNode) {
    if (has_js_module(dir, "index")) return std::string("index.handler");
    return util::fail(fmt::format(
        "{}: no handler given and no index.js or index.mjs (Lambda's default module): pass --handler "
        "<file>.<export>{}",
        dir.string(),
        files->js.empty() ? "" : fmt::format(" (JavaScript files here: {})", fmt::join(files->js, ", "))));
  }
  return std::string();
}

util::Result<void> apply_overrides(const FunctionOverrides& o, FunctionConfig& config) {
  if (o.memory_mb) {
    if (auto problem = memory_problem(*o.memory_mb)) return util::fail(fmt::format("--memory {}: {}", *o.memory_mb, *problem));
    config.memory_mb = *o.memory_mb;
  }
  if (o.timeout_s) {
    if (auto problem = timeout_problem(*o.timeout_s)) return util::fail(fmt::format("--timeout {}: {}", *o.timeout_s, *problem));
    config.timeout_s = *o.timeout_s;
  }
  if (o.tmp_mb) {
    if (auto problem = tmp_problem(*o.tmp_mb)) return util::fail(fmt::format("--tmp-size {}: {}", *o.tmp_mb, *problem));
    config.tmp_mb = *o.tmp_mb;
  }
  if (o.architecture) config.architecture = *o.architecture;
  if (o.python) config.python = *o.python;
  for (const auto& [key, value] : o.environment) config.environment[key] = value;
  return {};
}

// Runtime and handler: given, else detected from the code.
util::Result<void> settle_runtime(const std::optional<std::string>& runtime_id, const std::optional<std::string>& handler,
                                  FunctionConfig& config) {
  if (runtime_id) {
    auto family = runtime_family(*runtime_id);
    if (!family) return std::unexpected(family.error());
    config.runtime = *family;
    config.runtime_id = *runtime_id;
  } else {
    auto family = detect_family(config.code_dir, handler);
    if (!family) return std::unexpected(family.error());
    config.runtime = *family;
    config.runtime_detected = true;
    config.runtime_id = *family == RuntimeFamily::kPython ? kDefaultPython
                        : *family == RuntimeFamily::kNode ? kDefaultNode
                                                          : kDefaultProvided;
  }
  if (handler && !handler->empty()) {
    config.handler = *handler;
  } else {
    auto h = default_handler(config.code_dir, config.runtime);
    if (!h) return std::unexpected(h.error());
    config.handler = *h;
  }
  return {};
}

util::Result<fs::path> code_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return util::fail(fmt::format("{}: not a directory: give the folder that holds the function's code", dir.string()));
  }
  fs::path absolute = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec) return util::fail(fmt::format("{}: {}", dir.string(), ec.message()));
  return absolute;
}

}  // namespace

util::Result<RuntimeFamily> runtime_family(std::string_view id) {
  if (id.starts_with("python3")) return RuntimeFamily::kPython;
  if (id.starts_with("nodejs")) return RuntimeFamily::kNode;
  if (id.starts_with("provided")) return RuntimeFamily::kProvided;
  return util::fail(fmt::format("runtime '{}' is not supported: sweetspot runs python3.x, nodejs* and provided.* "
                                "(an executable bootstrap) functions",
                                id));
}

util::Result<Architecture> parse_architecture(std::string_view name) {
  if (name == "x86_64") return Architecture::kX86_64;
  if (name == "arm64") return Architecture::kArm64;
  return util::fail(fmt::format("architecture '{}' is not one Lambda has: use x86_64 or arm64", name));
}

util::Result<FunctionConfig> load_function(const FunctionSource& source) {
  const FunctionOverrides& o = source.overrides;
  FunctionConfig config;
  std::optional<std::string> runtime_id = o.runtime_id;
  std::optional<std::string> handler = o.handler;

  if (!source.template_file.empty()) {
    if (!source.code_dir.empty()) {
      return util::fail("give either a code directory or --template, not both");
    }
    auto fn = read_sam_function(source.template_file, source.function_id);
    if (!fn) return std::unexpected(fn.error());
    for (const auto& [name, message] : fn->unresolved_environment) {
      if (!o.environment.contains(name)) return util::fail(message);
    }
    auto dir = code_directory(fn->code_dir);
    if (!dir) return std::unexpected(dir.error());
    config.name = fn->logical_id;
    config.code_dir = *dir;
    if (fn->memory_mb) config.memory_mb = *fn->memory_mb;
    if (fn->timeout_s) config.timeout_s = *fn->timeout_s;
    if (fn->tmp_mb) config.tmp_mb = *fn->tmp_mb;
    if (fn->architecture) config.architecture = *fn->architecture;
    config.environment = fn->environment;
    config.layers = fn->layers;
    if (!runtime_id) runtime_id = fn->runtime_id;
    if (!handler) handler = fn->handler;
  } else {
    if (source.code_dir.empty()) return util::fail("no function given: name its code directory, or --template");
    if (!source.function_id.empty()) return util::fail("--function picks a function of a --template; give a template too");
    auto dir = code_directory(source.code_dir);
    if (!dir) return std::unexpected(dir.error());
    config.code_dir = *dir;
    config.name = dir->filename().string();
  }

  if (auto ok = settle_runtime(runtime_id, handler, config); !ok) {
    if (!source.template_file.empty() && !handler) {
      // A template names its handler; say which key is missing before the detail.
      return util::fail(fmt::format("{}: Resources.{}.Properties.Handler is not set (nor Globals.Function.Handler): "
                                    "{}",
                                    source.template_file.string(), config.name, ok.error().message));
    }
    return std::unexpected(ok.error());
  }
  if (auto ok = apply_overrides(o, config); !ok) return std::unexpected(ok.error());
  return config;
}

}  // namespace sweetspot::definition
