// Output files named on the command line (--json, and the report formats) are
// checked before the first invoke: a run of minutes must not end in "cannot write".
#pragma once

#include <filesystem>
#include <string_view>

namespace sweetspot::cli {

// Throws util::Fatal (exit 2) naming `option`, `path` and why it cannot be
// written: its directory is missing or not a directory, the directory is not
// writable, or the path is itself a directory. Nothing is created.
void check_output_writable(std::string_view option, const std::filesystem::path& path);

}  // namespace sweetspot::cli
