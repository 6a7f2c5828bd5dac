// `sweetspot report RESULT.json` re-renders a saved result; `sweetspot compare
// OLD.json NEW.json` compares two and gates CI on the difference.
#pragma once

#include <CLI/CLI.hpp>

namespace sweetspot::cli {

void add_report_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);

}  // namespace sweetspot::cli
