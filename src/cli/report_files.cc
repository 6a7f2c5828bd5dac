#include "cli/report_files.h"

#include <iostream>

#include "cli/output_files.h"
#include "report/csv.h"
#include "report/html.h"
#include "report/markdown.h"
#include "util/error.h"
#include "util/file.h"

namespace sweetspot::cli {

void add_report_file_options(CLI::App& command, ReportFiles& files) {
  command.add_option("--html", files.html,
                     "Write a self-contained HTML report (charts, statistics; works offline) to FILE");
  command.add_option("--md", files.md,
                     "Write a Markdown summary for a pull-request comment (table, Mermaid charts) to FILE");
  command.add_option("--csv", files.csv, "Write one CSV row per size with every statistic to FILE");
}

void check_report_files(const ReportFiles& files) {
  if (!files.html.empty()) check_output_writable("--html", files.html);
  if (!files.md.empty()) check_output_writable("--md", files.md);
  if (!files.csv.empty()) check_output_writable("--csv", files.csv);
}

void write_output(std::string_view option, const std::string& path, const std::string& content) {
  if (auto written = util::write_file_atomic(path, content); !written) {
    throw util::Fatal(std::string(option) + ": " + written.error().message, util::ExitCode::kEnvironment);
  }
  std::cerr << "sweetspot: wrote " << path << '\n';
}

void write_report_files(const ReportFiles& files, const report::ResultReport& result) {
  if (!files.html.empty()) write_output("--html", files.html, report::render_html(result));
  if (!files.md.empty()) write_output("--md", files.md, report::render_markdown(result));
  if (!files.csv.empty()) write_output("--csv", files.csv, report::render_csv(result));
}

}  // namespace sweetspot::cli
