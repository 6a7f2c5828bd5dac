#pragma once

namespace sweetspot::cli {

// Parses the command line, runs the command, and turns errors into a message on
// stderr and an exit status.
int run(int argc, char** argv);

}  // namespace sweetspot::cli
