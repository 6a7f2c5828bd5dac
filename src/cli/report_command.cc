#include "cli/report_command.h"

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/output_files.h"
#include "cli/report_files.h"
#include "report/compare.h"
#include "report/result_model.h"
#include "report/terminal_chart.h"
#include "tuner/strategy.h"
#include "util/error.h"

namespace sweetspot::cli {
namespace {

using util::Fatal;

report::ResultReport load(const std::string& path) {
  auto result = report::load_result(path);
  if (!result) throw Fatal(result.error().message, util::ExitCode::kUsage);
  return std::move(*result);
}

struct ReportOptions {
  std::string result;
  ReportFiles files;
};

struct CompareCommandOptions {
  std::string old_path;
  std::string new_path;
  std::optional<double> max_cost_increase;
  std::optional<double> max_duration_increase;
  std::string percentile = "p95";
  std::string md;
  std::string html;
};

int run_compare(const CompareCommandOptions& o) {
  if (!o.md.empty()) check_output_writable("--md", o.md);
  if (!o.html.empty()) check_output_writable("--html", o.html);
  report::CompareOptions options;
  auto percentile = tuner::parse_percentile(o.percentile);
  if (!percentile) throw Fatal("--percentile: " + percentile.error().message);
  options.percentile = *percentile;
  options.max_cost_increase = o.max_cost_increase;
  options.max_duration_increase = o.max_duration_increase;
  const report::ResultReport old_result = load(o.old_path);
  const report::ResultReport new_result = load(o.new_path);
  auto comparison = report::compare(old_result, new_result, options);
  if (!comparison) throw Fatal(comparison.error().message, util::ExitCode::kUsage);
  std::cout << report::render_comparison_text(*comparison);
  std::cout.flush();
  if (!o.md.empty()) write_output("--md", o.md, report::render_comparison_markdown(*comparison));
  if (!o.html.empty()) write_output("--html", o.html, report::render_comparison_html(*comparison));
  return comparison->failed() ? 1 : 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Show a saved tuning result (sweetspot's --json or AWS Lambda Power Tuning's) and write reports");
  cmd->add_option("RESULT", o->result, "The JSON file `sweetspot tune --json` (or Power Tuning) wrote")->required();
  add_report_file_options(*cmd, o->files);
  cmd->footer("Prints the table, a chart and the lambda-power-tuning.show link to stdout.\n"
              "Exit status: 0 done, 2 bad input (unreadable or incompatible result), 3 a file could not be written.");
  cmd->callback([o, &exit_code] {
    check_report_files(o->files);
    const report::ResultReport result = load(o->result);
    std::cout << report::render_terminal_summary(result);
    std::cout.flush();
    write_report_files(o->files, result);
    exit_code = 0;
  });
}

void add_compare_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CompareCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare two tuning results of one function (e.g. main and a pull request); a CI gate");
  cmd->add_option("OLD", o->old_path, "The earlier result (sweetspot's --json, or Power Tuning's)")->required();
  cmd->add_option("NEW", o->new_path, "The later result (sweetspot's --json, or Power Tuning's)")->required();
  cmd->add_option("--max-cost-increase", o->max_cost_increase,
                  "Exit 1 when the cost per invocation at the recommended size grew by more than PCT percent")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-duration-increase", o->max_duration_increase,
                  "Exit 1 when the --percentile duration at the recommended size grew by more than PCT percent")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--percentile", o->percentile, "Duration the gate checks: p50, p90, p95 or p99 (default p95)");
  cmd->add_option("--md", o->md, "Also write the comparison as Markdown (for a pull-request comment) to FILE");
  cmd->add_option("--html", o->html, "Also write the comparison as a self-contained HTML page to FILE");
  cmd->footer(
      "Per size: the change in each duration percentile, the average and the cost, marked beyond the noise\n"
      "of the two runs (their 95% confidence intervals do not overlap) or within it. The thresholds are\n"
      "checked at OLD's recommended size (NEW's when OLD has none). With Power Tuning's result on a side,\n"
      "averages are compared (Power Tuning keeps no percentiles).\n"
      "Exit status: 0 within the thresholds, 1 a threshold exceeded, 2 bad input (unreadable results,\n"
      "different functions, incompatible format versions, the checked size missing), 3 a file could not be written.");
  cmd->callback([o, &exit_code] { exit_code = run_compare(*o); });
}

}  // namespace sweetspot::cli
