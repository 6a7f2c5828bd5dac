#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string_view>

#include "cli/invoke_command.h"
#include "cli/option_checks.h"
#include "cli/serve_command.h"
#include "cli/report_command.h"
#include "cli/tune_command.h"
#include "util/error.h"

namespace sweetspot::cli {

namespace {

// `sweetspot help [COMMAND]`: the usage (with the list of commands), or a command's.
int print_help(const CLI::App& app, int argc, char** argv) {
  if (argc > 2) {
    for (const CLI::App* command : app.get_subcommands({})) {
      if (command->get_name() == argv[2]) {
        std::cout << command->help();
        return 0;
      }
    }
    std::cerr << "sweetspot: error: help: unknown command \"" << argv[2] << "\"\n\n" << app.help();
    return static_cast<int>(util::ExitCode::kUsage);
  }
  std::cout << app.help();
  return 0;
}

bool is_command(const CLI::App& app, std::string_view name) {
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == name) return true;
  }
  return false;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"sweetspot: find the memory size at which an AWS Lambda function is fast and cheap"};
  app.name("sweetspot");
  app.set_version_flag("--version", "sweetspot 0.1.0");
  app.require_subcommand(1);
  app.footer("Run `sweetspot COMMAND --help` (or `sweetspot help COMMAND`) for a command's options.");
  int exit_code = 0;
  add_invoke_command(app, exit_code);
  add_tune_command(app, exit_code);
  add_serve_command(app, exit_code);
  add_report_command(app, exit_code);
  add_compare_command(app, exit_code);
  if (argc <= 1) {
    std::cerr << "sweetspot: error: no command given\n\n" << app.help();
    return static_cast<int>(util::ExitCode::kUsage);
  }
  if (std::string_view(argv[1]) == "help") return print_help(app, argc, argv);
  if (argv[1][0] != '-' && !is_command(app, argv[1])) {
    std::cerr << "sweetspot: error: unknown command \"" << argv[1] << "\"\n\n" << app.help();
    return static_cast<int>(util::ExitCode::kUsage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    std::cerr << failure_message(app, e);
    return static_cast<int>(util::ExitCode::kUsage);
  } catch (const util::Fatal& e) {
    std::cerr << "sweetspot: error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    // A library's exception (e.g. JSON output): a bug, but the stack unwinds, so
    // every execution environment is torn down and nothing is left behind.
    std::cerr << "sweetspot: internal error: " << e.what() << '\n';
    return static_cast<int>(util::ExitCode::kInternal);
  }
  return exit_code;
}

}  // namespace sweetspot::cli
