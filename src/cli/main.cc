// sweetspot: find the memory size at which a Lambda function is fast and cheap.
// main only wires the commands; the one exception type is caught here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/app.h"
#include "util/error.h"
#include "util/interrupt.h"

int main(int argc, char** argv) {
  sweetspot::util::install_interrupt_watcher();
  return sweetspot::cli::run(argc, argv);
}
