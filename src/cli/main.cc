// sweetspot: find the memory size at which a Lambda function is fast and cheap.
// main only wires the commands; the one exception type is caught here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app.h"
#include "util/error.h"
#include "util/interrupt.h"

int main(int argc, char** argv) {
  sweetspot::util::install_interrupt_watcher();
  try {
    return sweetspot::cli::run(argc, argv);
  } catch (...) {
    // cli::run catches every std::exception; this is for anything else thrown.
    std::cerr << "sweetspot: internal error: unknown exception\n";
    return static_cast<int>(sweetspot::util::ExitCode::kInternal);
  }
}
