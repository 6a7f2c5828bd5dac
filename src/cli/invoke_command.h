#pragma once

#include <CLI/CLI.hpp>

namespace sweetspot::cli {

// Registers `sweetspot invoke`; when it runs, `exit_code` receives its status.
void add_invoke_command(CLI::App& app, int& exit_code);

}  // namespace sweetspot::cli
