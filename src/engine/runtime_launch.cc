#include "engine/runtime_launch.h"

#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "sandbox/capture.h"
#include "sandbox/program_search.h"
#include "util/strings.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

namespace {

namespace fs = std::filesystem;

#if !defined(SWEETSPOT_RUNTIMES_DIR) || !defined(SWEETSPOT_INSTALLED_RUNTIMES)
#error "SWEETSPOT_RUNTIMES_DIR and SWEETSPOT_INSTALLED_RUNTIMES must be set (src/engine/CMakeLists.txt)"
#endif

std::string getenv_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::move(fallback);
}

// Like execvp's search: the first executable `name` on the caller's PATH.
std::optional<fs::path> find_on_path(const std::string& name) {
  auto found = sandbox::find_program(name, getenv_or("PATH", std::string(sandbox::kDefaultPath)));
  return found ? std::optional<fs::path>(fs::absolute(*found)) : std::nullopt;
}

bool is_script(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::array<char, 2> head{};
  return in.read(head.data(), head.size()) && head[0] == '#' && head[1] == '!';
}

// What `program args...` prints on its first line, or empty when it does not run
// (a pyenv shim for a version that is not selected exits 127). Asked once per
// program: each answer costs a process start (pyenv's shims: ~100 ms).
std::string first_line_of(const fs::path& program, const std::vector<std::string>& args) {
  static std::mutex mutex;
  static std::map<std::vector<std::string>, std::string> cache;
  std::vector<std::string> argv{program.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::lock_guard lock(mutex);
  if (auto it = cache.find(argv); it != cache.end()) return it->second;
  return cache.emplace(argv, sandbox::first_line_of_output(argv)).first->second;
}

// A `python3` on PATH is often a wrapper script (pyenv's shims run bash and pyenv
// first, ~100 ms). Lambda starts the interpreter itself, so cold starts are
// measured with the real interpreter: ask the wrapper once which one it runs.
fs::path real_interpreter(const fs::path& python) {
  if (!is_script(python)) return python;
  const std::string path = first_line_of(python, {"-c", "import sys; print(sys.executable)"});
  if (path.empty()) return python;
  auto real = sandbox::find_program(path, "");
  return real ? *real : python;
}

// "3.11" for a Python interpreter; empty when it does not run.
std::string python_version(const fs::path& python) {
  return first_line_of(python, {"-c", "import sys; print('%d.%d' % sys.version_info[:2])"});
}

util::Result<fs::path> python_interpreter(const FunctionConfig& config) {
  if (!config.python.empty()) {
    auto found = find_on_path(config.python.string());
    if (!found) {
      return util::fail(fmt::format("--python {}: not an executable file (nor a program on PATH): give the path of a "
                                    "Python 3 interpreter",
                                    config.python.string()));
    }
    return real_interpreter(*found);
  }
  // python3.12 for python3.12, when this host has one that runs.
  if (!config.runtime_detected) {
    if (auto exact = find_on_path(config.runtime_id)) {
      const fs::path real = real_interpreter(*exact);
      if (!python_version(real).empty()) return real;
    }
  }
  auto found = find_on_path("python3");
  if (!found) found = find_on_path("python");
  if (!found) {
    return util::fail(fmt::format("function {} ({}) needs Python, but there is no python3 on PATH: install Python 3 "
                                  "or give one with --python PATH",
                                  config.name, config.runtime_id));
  }
  return real_interpreter(*found);
}

// Where the runtime sees the code, its client and the layers.
struct Paths {
  PathLayout layout;
  fs::path task;  // the code
  bool lambda() const { return layout == PathLayout::kLambda; }
  fs::path runtime(const fs::path& host_dir) const { return lambda() ? kRuntimeRoot : host_dir; }
};

// Layers as search paths: Lambda extracts them in order into /opt, a later
// layer's files replacing an earlier one's, so the last layer is searched first
// (in Lambda's layout they are merged at /opt: one folder, if any layer has it).
// `sub` names the folder inside a layer (e.g. "python", "nodejs/node_modules").
std::vector<std::string> layer_dirs(const FunctionConfig& config, const Paths& paths, const fs::path& sub) {
  std::vector<std::string> dirs;
  for (auto it = config.layers.rbegin(); it != config.layers.rend(); ++it) {
    if (!fs::is_directory(*it / sub)) continue;
    if (paths.lambda()) return {(kLayersRoot / sub).string()};
    dirs.push_back((*it / sub).string());
  }
  return dirs;
}

// A program installed under the host's /tmp (e.g. --python /tmp/venv/bin/python)
// would be hidden by the private /tmp: its installation (the folder above bin/)
// stays visible there, read-only.
void keep_if_under_tmp(const fs::path& program, LaunchSpec& spec) {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(program, ec);
  for (const fs::path& p : {program, ec ? program : real}) {
    if (!p.string().starts_with("/tmp/")) continue;
    fs::path prefix = p.parent_path().filename() == "bin" ? p.parent_path().parent_path() : p.parent_path();
    if (prefix == "/tmp") prefix = p.parent_path();
    if (prefix != "/tmp" && std::ranges::find(spec.view.kept_in_tmp, prefix) == spec.view.kept_in_tmp.end()) {
      spec.view.kept_in_tmp.push_back(prefix);
    }
  }
}

std::string join_paths(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += ':';
    out += part;
  }
  return out;
}

// Lambda's library path: the code's folder and its lib/, then the layers' lib/.
std::string library_path(const FunctionConfig& config, const Paths& paths) {
  std::vector<std::string> parts = {paths.task.string(), (paths.task / "lib").string()};
  for (auto& dir : layer_dirs(config, paths, "lib")) parts.push_back(std::move(dir));
  parts.push_back(getenv_or("LD_LIBRARY_PATH", ""));
  return join_paths(parts);
}

std::string program_path(const FunctionConfig& config, const Paths& paths) {
  std::vector<std::string> parts = layer_dirs(config, paths, "bin");
  parts.push_back(getenv_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  return join_paths(parts);
}

// What Lambda puts on sys.path from /opt: each layer's python/lib/python3.N/site-packages, then python/.
std::string python_layer_path(const FunctionConfig& config, const Paths& paths) {
  if (paths.lambda()) {
    // One merged /opt/python: its site-packages folders, then itself.
    std::vector<std::string> parts;
    bool any = false;
    for (const auto& layer : config.layers) {
      std::error_code ec;
      any = any || fs::is_directory(layer / "python");
      for (const auto& entry : fs::directory_iterator(layer / "python" / "lib", ec)) {
        const std::string dir = (kLayersRoot / "python/lib" / entry.path().filename() / "site-packages").string();
        if (entry.path().filename().string().starts_with("python3") && fs::is_directory(entry.path() / "site-packages") &&
            std::ranges::find(parts, dir) == parts.end()) {
          parts.push_back(dir);
        }
      }
    }
    if (any) parts.push_back((kLayersRoot / "python").string());
    return join_paths(parts);
  }
  std::vector<std::string> parts;
  for (auto it = config.layers.rbegin(); it != config.layers.rend(); ++it) {
    const fs::path python = *it / "python";
    if (!fs::is_directory(python)) continue;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(python / "lib", ec)) {
      if (entry.path().filename().string().starts_with("python3") && fs::is_directory(entry.path() / "site-packages")) {
        parts.push_back((entry.path() / "site-packages").string());
      }
    }
    parts.push_back(python.string());
  }
  return join_paths(parts);
}

// "nodejs20.x" -> "node20", the folder Lambda searches first in a layer's nodejs/.
std::string node_major_folder(const std::string& runtime_id) {
  std::string digits;
  for (char c : runtime_id) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!digits.empty()) {
      break;
    }
  }
  return "node" + digits;
}

util::Result<void> add_provided(const FunctionConfig& config, const Paths& paths, LaunchSpec& spec) {
  const fs::path bootstrap = config.code_dir / "bootstrap";
  if (!fs::exists(bootstrap)) {
    return util::fail(fmt::format("{} is missing: a custom runtime ({}) needs an executable file named bootstrap in "
                                  "the function's directory",
                                  bootstrap.string(), config.runtime_id));
  }
  if (!sandbox::is_executable_file(bootstrap)) {
    return util::fail(fmt::format("{} is not executable: a custom runtime starts it as a program (chmod +x {})",
                                  bootstrap.string(), bootstrap.string()));
  }
  spec.argv = {(paths.task / "bootstrap").string()};
  // A custom runtime's /var/runtime is empty; without Lambda's layout the code is its runtime.
  if (paths.lambda()) spec.view.empty_dirs.push_back(kRuntimeRoot);
  spec.runtime_dir = paths.lambda() ? kRuntimeRoot : config.code_dir;
  return {};
}

util::Result<void> add_python(const FunctionConfig& config, const Paths& paths, LaunchSpec& spec) {
  const fs::path dir = runtimes_dir() / "python";
  const fs::path bootstrap = dir / "bootstrap.py";
  if (!fs::is_regular_file(bootstrap)) {
    return util::fail(fmt::format("{} is missing: set SWEETSPOT_RUNTIMES_DIR to the runtimes folder of the sweetspot "
                                  "sources",
                                  bootstrap.string()));
  }
  auto python = python_interpreter(config);
  if (!python) return std::unexpected(python.error());
  spec.argv = {python->string(), (paths.runtime(dir) / "bootstrap.py").string()};
  const std::string wanted = config.runtime_id.substr(std::string_view("python").size());  // "3.12"
  if (const std::string ran = config.runtime_detected ? wanted : python_version(*python); !ran.empty() && ran != wanted) {
    spec.note = fmt::format("{} was asked for, but Python {} ran it ({}): this host has no python{} on PATH "
                            "(install it, or pass --python)",
                            config.runtime_id, ran, python->string(), wanted);
  }
  if (paths.lambda()) {
    spec.view.mounts.push_back({dir, kRuntimeRoot});
    keep_if_under_tmp(*python, spec);
  }
  spec.runtime_dir = paths.runtime(dir);
  spec.env["PYTHONUNBUFFERED"] = "1";
  // Lambda's code directory is read-only: no __pycache__ is written into the user's code.
  spec.env["PYTHONDONTWRITEBYTECODE"] = "1";
  if (auto layers = python_layer_path(config, paths); !layers.empty()) spec.env["PYTHONPATH"] = layers;
  return {};
}

util::Result<void> add_node(const FunctionConfig& config, const Paths& paths, LaunchSpec& spec) {
  const fs::path dir = runtimes_dir() / "node";
  const fs::path addon = dir / "node_modules" / "aws-lambda-ric" / "dist" / "rapid-client.node";
  if (!fs::is_regular_file(addon)) {
    return util::fail(fmt::format("the Node.js runtime interface client (aws-lambda-ric) is not installed in {}: run "
                                  "scripts/install-deps (it runs npm install there)",
                                  (dir / "node_modules").string()));
  }
  auto node = find_on_path("node");
  if (!node) {
    return util::fail(fmt::format("function {} ({}) needs Node.js, but there is no node on PATH: install it "
                                  "(scripts/install-deps)",
                                  config.name, config.runtime_id));
  }
  const std::string wanted = node_major_folder(config.runtime_id).substr(4);  // "nodejs16.x" -> "16"
  std::string ran = config.runtime_detected ? "" : first_line_of(*node, {"--version"});  // "v20.11.0"
  if (ran.starts_with('v')) ran = ran.substr(1, ran.find('.') - 1);
  if (!config.runtime_detected && !ran.empty() && ran != wanted) {
    spec.note = fmt::format("{} was asked for, but Node.js {} ran it ({}): this host has no Node.js {} as node on PATH",
                            config.runtime_id, ran, node->string(), wanted);
  }
  // The V8 heap limits Lambda's nodejs runtimes set from the memory size: a tenth
  // for the young generation, the rest for the old one.
  const int new_space = config.memory_mb / 10;
  spec.argv = {node->string(),
               "--expose-gc",
               "--max-http-header-size",
               "81920",
               fmt::format("--max-semi-space-size={}", new_space / 2),
               fmt::format("--max-old-space-size={}", config.memory_mb - new_space),
               (paths.runtime(dir) / "bootstrap.mjs").string()};
  if (paths.lambda()) {
    spec.view.mounts.push_back({dir, kRuntimeRoot});
    keep_if_under_tmp(*node, spec);
  }
  spec.runtime_dir = paths.runtime(dir);
  std::vector<std::string> node_path =
      layer_dirs(config, paths, fs::path("nodejs") / node_major_folder(config.runtime_id) / "node_modules");
  for (auto& dir : layer_dirs(config, paths, "nodejs/node_modules")) node_path.push_back(std::move(dir));
  node_path.push_back(paths.task.string());
  spec.env["NODE_PATH"] = join_paths(node_path);
  return {};
}

}  // namespace

fs::path runtimes_dir() {
  const char* dir = std::getenv("SWEETSPOT_RUNTIMES_DIR");
  if (dir != nullptr && *dir != '\0') return fs::path(dir);
  // An installed sweetspot finds them relative to itself, so it runs from
  // anywhere with the source tree gone.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (exe.parent_path() / SWEETSPOT_INSTALLED_RUNTIMES).lexically_normal();
    if (fs::is_directory(installed / "python", ec)) return installed;
  }
  return fs::path(SWEETSPOT_RUNTIMES_DIR);
}

util::Result<LaunchSpec> launch_spec(const FunctionConfig& config, PathLayout layout) {
  const Paths paths{layout, layout == PathLayout::kLambda ? kTaskRoot : config.code_dir};
  LaunchSpec spec;
  spec.working_dir = paths.task;
  if (paths.lambda()) {
    // /var holds only what Lambda has there; the code is mounted read-only.
    spec.view.scratch_dirs = {kTaskRoot.parent_path()};
    spec.view.mounts.push_back({config.code_dir, kTaskRoot});
    if (!config.layers.empty()) {
      spec.view.merged_target = kLayersRoot;
      spec.view.merged_sources = config.layers;
    } else if (std::error_code ec; fs::is_directory(kLayersRoot, ec)) {
      spec.view.scratch_dirs.push_back(kLayersRoot);  // no layers: Lambda's /opt is empty, not the host's
    }
  }
  util::Result<void> added;
  switch (config.runtime) {
    case RuntimeFamily::kProvided: added = add_provided(config, paths, spec); break;
    case RuntimeFamily::kPython: added = add_python(config, paths, spec); break;
    case RuntimeFamily::kNode: added = add_node(config, paths, spec); break;
  }
  if (!added) return std::unexpected(added.error());
  spec.env["PATH"] = program_path(config, paths);
  spec.env["LD_LIBRARY_PATH"] = library_path(config, paths);
  return spec;
}

std::map<std::string, std::string> caller_aws_environment() {
  static constexpr std::string_view kNames[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                                "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"};
  std::map<std::string, std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = entry.substr(0, eq);
    const bool wanted = std::ranges::find(kNames, key) != std::end(kNames) || key.starts_with("AWS_ENDPOINT_URL_");
    if (wanted) out.emplace(key, entry.substr(eq + 1));
  }
  return out;
}

}  // namespace sweetspot::engine
