// --html, --md and --csv: the report files `tune` and `report` write, and the
// checks that an unwritable path fails before any invoke runs.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "report/result_model.h"

namespace sweetspot::cli {

struct ReportFiles {
  std::string html;
  std::string md;
  std::string csv;
  bool any() const { return !html.empty() || !md.empty() || !csv.empty(); }
};

void add_report_file_options(CLI::App& command, ReportFiles& files);

// Throws util::Fatal (exit 2) naming the option whose file cannot be written.
void check_report_files(const ReportFiles& files);

// Writes each file named (atomically) and says so on stderr. Throws util::Fatal
// (exit 3) when a write fails after all.
void write_report_files(const ReportFiles& files, const report::ResultReport& result);

// Writes `content` to `path` atomically for `option`, or throws util::Fatal (exit 3).
void write_output(std::string_view option, const std::string& path, const std::string& content);

}  // namespace sweetspot::cli
