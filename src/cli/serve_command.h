#pragma once

#include <CLI/CLI.hpp>

namespace sweetspot::cli {

// Registers `sweetspot serve`: the Lambda API on loopback, backed by local
// execution environments; when it ends, `exit_code` receives its status.
void add_serve_command(CLI::App& app, int& exit_code);

}  // namespace sweetspot::cli
