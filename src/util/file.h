// Whole-file reads and atomic writes: a result file is either complete or absent.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.h"

namespace sweetspot::util {

Result<std::string> read_file(const std::filesystem::path& path);

// Writes to a temporary file beside `path`, syncs it and renames it over `path`,
// so a reader never sees half a file, and an interrupted run leaves none behind.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Writes a small value to a kernel control file (cgroupfs, procfs): one write().
Result<void> write_control_file(const std::filesystem::path& path, std::string_view value);

}  // namespace sweetspot::util
