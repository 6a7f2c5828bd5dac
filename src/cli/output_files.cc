#include "cli/output_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "util/error.h"

namespace sweetspot::cli {

namespace fs = std::filesystem;

void check_output_writable(std::string_view option, const fs::path& path) {
  const auto fail = [&](const std::string& why) {
    throw util::Fatal(fmt::format("{} {}: {}", option, path.string(), why), util::ExitCode::kUsage);
  };
  if (path.empty()) fail("no file name given: name the file to write, e.g. " + std::string(option) + " result.json");
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail("is a directory: name a file inside it, e.g. " + (path / "result.json").string());
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::file_status dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) fail(fmt::format("the directory {} does not exist: create it first", dir.string()));
  if (!fs::is_directory(dir_status)) fail(fmt::format("{} is not a directory", dir.string()));
  // The file is written beside itself and renamed over (util::write_file_atomic),
  // so what matters is that the directory takes new files.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    fail(fmt::format("the directory {} is not writable ({})", dir.string(), std::strerror(errno)));
  }
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) fail("exists and is not a regular file");
}

}  // namespace sweetspot::cli
