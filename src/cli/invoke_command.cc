#include "cli/invoke_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "cli/function_options.h"
#include "cli/invocation_json.h"
#include "cli/option_checks.h"
#include "cli/log_printer.h"
#include "engine/local_backend.h"
#include "report/trace_view.h"
#include "util/error.h"

namespace sweetspot::cli {
namespace {

struct InvokeOptions {
  FunctionOptions function;
  std::optional<int> memory_mb;  // unset: the template's MemorySize, else 128
  std::string payload = "{}";
  int count = 1;
  bool cold = false;
  int concurrency = 1;
  bool json = false;
  bool trace = false;
};

// Prints each invoke as it finishes: the response, or one JSON record.
class ResultPrinter : public engine_api::InvokeObserver {
 public:
  ResultPrinter(bool json, bool trace, std::vector<std::string> notes)
      : json_(json), trace_(trace), notes_(std::move(notes)) {}
  void on_invocation(const engine_api::Invocation& inv) override {
    if (trace_) std::cerr << report::render_waterfall(inv);  // beside the log: stdout stays the response
    if (json_) {
      std::cout << invocation_json_line(inv, notes_) << '\n';
    } else {
      std::cout << inv.response << '\n';
    }
    std::cout.flush();
    if (!inv.ok()) any_failed_ = true;
  }
  bool any_failed() const { return any_failed_; }

 private:
  bool json_;
  bool trace_;
  std::vector<std::string> notes_;  // in every JSON record, as on every REPORT line
  bool any_failed_ = false;
};

int run_invoke(const InvokeOptions& o) {
  const std::string payload = read_payload_argument(o.payload);
  const engine_api::FunctionConfig config = load_function_config(o.function, o.memory_mb);
  LogPrinter logs(std::cerr, o.concurrency > 1 ? LogPrefix::kEnvironmentId : LogPrefix::kNone);
  auto backend = make_local_backend(config, o.function, &logs);
  std::vector<std::string> notes = backend->notes();
  for (const std::string& note : notes) std::cerr << "sweetspot: note: " << note << '\n';
  if (o.function.no_limits) {
    notes.insert(notes.begin(), "limits not enforced (--no-limits): the REPORT above is not Lambda's (nothing was capped)");
  }
  std::string report_note;
  for (const std::string& note : notes) report_note += (report_note.empty() ? "" : "; ") + note;
  logs.set_report_note(report_note);

  const engine_api::SizeSupport support = backend->support(config.memory_mb);
  if (!support.note.empty()) std::cerr << "sweetspot: note: " << support.note << '\n';
  if (o.concurrency > 1 && o.concurrency * support.effective_cpus > backend->host_cpus() + 1e-9) {
    std::cerr << fmt::format("sweetspot: note: {} concurrent environments of {:.2f} vCPUs share this host's {} CPUs: "
                             "durations include that contention\n",
                             o.concurrency, support.effective_cpus, backend->host_cpus());
  }

  engine_api::Batch batch;
  batch.memory_mb = config.memory_mb;
  batch.payloads = {payload};
  batch.count = static_cast<size_t>(o.count);
  batch.retention = engine_api::ResultRetention::kObserverOnly;  // the printer shows each; none is kept
  batch.start = o.cold ? engine_api::StartPolicy::kColdEveryTime : engine_api::StartPolicy::kWarm;
  batch.concurrency = o.concurrency;
  ResultPrinter printer(o.json, o.trace, notes);
  auto ran = backend->run(batch, &printer);
  if (!ran) throw util::Fatal(ran.error());  // exit 3 when the host cannot, 2 for bad input
  if (const engine::XRayCounts x = backend->xray_counts(); x.dropped() > 0) {
    // Never fatal: what a function sends its X-Ray daemon is its own business.
    std::cerr << fmt::format(
        "sweetspot: note: the X-Ray listener dropped what the function sent: {} malformed, {} oversize (over {} "
        "bytes), {} without the X-Ray header line, {} subsegments over the per-invoke limit, {} of no current invoke\n",
        x.malformed, x.oversize, engine::kMaxXRayDatagramBytes, x.bad_header, x.flooding, x.unexpected);
  }
  return printer.any_failed() ? static_cast<int>(util::ExitCode::kFunctionError) : 0;
}

}  // namespace

void add_invoke_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InvokeOptions>();
  CLI::App* cmd = app.add_subcommand("invoke", "Invoke a function in a local execution environment, as Lambda would");
  add_function_options(*cmd, options->function);
  cmd->add_option("--memory,-m", options->memory_mb, "Memory size in MB, 128 to 10240 (default 128, or the template's MemorySize)")
      ->check(whole_number(engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb, "MB"));
  cmd->add_option("--payload,-p", options->payload, "Event: JSON text, @FILE, or - for stdin (default {})");
  cmd->add_option("--count,-n", options->count, "Number of invokes, 1 to 100000 (default 1)")
      ->check(whole_number(1, 100000));
  cmd->add_flag("--cold", options->cold, "A new execution environment for every invoke");
  cmd->add_option("--concurrency,-c", options->concurrency, "Environments invoked at once (default 1)")
      ->check(whole_number(1, 64));
  cmd->add_flag("--json", options->json,
                "Print one JSON record per invoke on stdout (request id, response or error, durations, memory, CPU, "
                "X-Ray trace)");
  cmd->add_flag("--trace", options->trace,
                "Print each invoke's X-Ray trace as a waterfall on stderr: the function's Initialization, Invocation "
                "and Overhead, and every subsegment its X-Ray SDK sent");
  cmd->footer(
      "The response goes to stdout; the function's output and the START, END and REPORT lines go to stderr.\n"
      "Exit status: 0 every invoke succeeded, 1 an invoke ended in an error, 2 bad input, 3 the host cannot\n"
      "enforce Lambda's limits (run as root, or pass --no-limits).");
  cmd->callback([options, &exit_code] { exit_code = run_invoke(*options); });
}

}  // namespace sweetspot::cli
