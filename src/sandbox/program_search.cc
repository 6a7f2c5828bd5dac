#include "sandbox/program_search.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "util/strings.h"

namespace sweetspot::sandbox {
namespace {

namespace fs = std::filesystem;

fs::path against(const fs::path& p, const fs::path& cwd) { return p.is_relative() && !cwd.empty() ? cwd / p : p; }

}  // namespace

bool is_executable_file(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<fs::path> find_program(std::string_view name, std::string_view path, const fs::path& cwd) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    const fs::path p = against(fs::path(name), cwd);
    return is_executable_file(p) ? std::optional<fs::path>(p) : std::nullopt;
  }
  for (const std::string& dir : util::split(path, ':')) {
    const fs::path candidate = against(fs::path(dir.empty() ? "." : dir) / name, cwd);
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace sweetspot::sandbox
