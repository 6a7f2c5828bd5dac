// `sweetspot tune FUNCTION`: invoke a function at many memory sizes and recommend one.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

#include "engine_api/backend.h"

namespace sweetspot::cli {

struct FunctionOptions;  // cli/function_options.h: how the user names a function

// Turns the parsed function options into the Backend that runs the invokes;
// `max_memory_mb` is the largest size the run will ask for. Throws util::Fatal.
using BackendFactory =
    std::function<std::unique_ptr<engine_api::Backend>(const FunctionOptions& function, int max_memory_mb)>;

// Registers `tune` on app, running invokes through `make_backend` (tests pass a
// fake one).
void add_tune_command(CLI::App& app, BackendFactory make_backend, int& exit_code);

// Registers `tune` on app with the local engine as its backend.
void add_tune_command(CLI::App& app, int& exit_code);

}  // namespace sweetspot::cli
