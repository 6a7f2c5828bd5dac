// Checks for option values that say, when they fail, the option, the value and
// what it accepts in words ("--num: \"0\" is not a whole number from 1 to
// 100000"), instead of CLI11's "Could not convert" or a 300-digit range.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace sweetspot::cli {

// A whole number from `min` to `max`; `unit` (e.g. "MB") follows the range.
CLI::Validator whole_number(long long min, long long max, const std::string& unit = "");

// A decimal number from `min` to `max`.
CLI::Validator decimal_number(double min, double max, const std::string& unit = "");

// One of `names` ("x86_64 or arm64").
CLI::Validator one_of(std::vector<std::string> names);

// What a parse error of `app` (the top-level app) prints: "sweetspot: error:
// <what>", then the usage with the list of commands when no command was given,
// else where to read that command's options.
std::string failure_message(const CLI::App& app, const CLI::Error& error);

}  // namespace sweetspot::cli
