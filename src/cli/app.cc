#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/invoke_command.h"
#include "cli/serve_command.h"
#include "cli/tune_command.h"
#include "util/error.h"

namespace sweetspot::cli {

int run(int argc, char** argv) {
  CLI::App app{"sweetspot: find the memory size at which an AWS Lambda function is fast and cheap"};
  app.set_version_flag("--version", "sweetspot 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  add_invoke_command(app, exit_code);
  add_tune_command(app, exit_code);
  add_serve_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(util::ExitCode::kUsage);
  } catch (const util::Fatal& e) {
    std::cerr << "sweetspot: error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
  return exit_code;
}

}  // namespace sweetspot::cli
