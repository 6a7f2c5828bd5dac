#include "cli/tune_command.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "cli/aws_options.h"
#include "cli/aws_tune.h"
#include "cli/function_options.h"
#include "cli/option_checks.h"
#include "cli/output_files.h"
#include "cli/report_files.h"
#include "engine_api/lambda_limits.h"
#include "engine/local_backend.h"
#include "report/explain.h"
#include "report/json_result.h"
#include "report/progress.h"
#include "report/progress_lines.h"
#include "report/result_model.h"
#include "report/table.h"
#include "report/terminal_chart.h"
#include "tuner/tuner.h"
#include "util/error.h"
#include "util/file.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace sweetspot::cli {
namespace {

using util::Fatal;

struct TuneOptions {
  FunctionOptions function;
  AwsOptions aws;  // a function deployed in AWS (cli/aws_options.h)
  std::string memory = "128,256,512,1024,1536,3008";
  int num = 10;
  std::string payload;
  std::string payloads;
  std::string strategy = "cost";
  std::optional<double> weight;
  std::optional<double> max_duration_ms;
  std::string percentile = "p95";
  bool parallel = false;
  bool cold_starts = false;
  std::optional<double> discard_top_bottom;
  std::string arch;  // empty: the function's own (template), else x86_64
  std::string prices;
  std::string json;
  bool quiet = false;
  ReportFiles reports;
};

// The name results carry (compare refuses two of different functions): the
// SAM logical id, else the code directory's name, as the engine names it.
std::string function_name(const FunctionOptions& f) {
  if (!f.function_id.empty()) return f.function_id;
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::weakly_canonical(f.code_dir, ec);
  const std::string name = (ec ? std::filesystem::path(f.code_dir) : dir).filename().string();
  return name.empty() ? "function" : name;
}

template <typename T>
T or_usage_error(util::Result<T> result) {
  if (!result) throw Fatal(result.error().message, util::ExitCode::kUsage);
  return std::move(*result);
}

std::string strip_at(const std::string& argument) { return argument.starts_with("@") ? argument.substr(1) : argument; }

tuner::Plan build_plan(const TuneOptions& o) {
  tuner::Plan plan;
  if (o.memory == "auto") {
    plan.selection = tuner::SizeSelection::kAuto;
  } else {
    plan.memory_sizes.clear();
    for (const std::string& item : util::split(o.memory, ',')) {
      const std::string_view text = util::trim(item);
      int mb = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), mb);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        throw Fatal(fmt::format("--memory: \"{}\" is not a size in MB; give a list like 128,512,1024 or auto", item));
      }
      if (!engine_api::valid_memory_mb(mb)) {
        throw Fatal(fmt::format("--memory: {} MB is outside Lambda's range of {} to {} MB", mb, engine_api::kMinMemoryMb,
                                engine_api::kMaxMemoryMb));
      }
      plan.memory_sizes.push_back(mb);
    }
  }
  plan.num = o.num;
  if (!o.payload.empty() && !o.payloads.empty()) throw Fatal("give either --payload or --payloads, not both");
  if (!o.payloads.empty()) {
    const std::string path = strip_at(o.payloads);
    auto text = util::read_file(path);
    if (!text) throw Fatal("--payloads: " + text.error().message);
    plan.payloads = or_usage_error(tuner::parse_payloads(*text, path));
  } else if (!o.payload.empty()) {
    plan.payloads = or_usage_error(tuner::parse_payloads(read_payload_argument(o.payload), "--payload"));
  }
  plan.strategy.kind = or_usage_error(tuner::parse_strategy(o.strategy));
  if (o.weight) {
    if (plan.strategy.kind != tuner::StrategyKind::kBalanced) {
      throw Fatal("--weight applies only to --strategy balanced");
    }
    plan.strategy.weight = *o.weight;
  }
  const double percentile = or_usage_error(tuner::parse_percentile(o.percentile));
  if (o.max_duration_ms) plan.strategy.limit = tuner::LatencyLimit{*o.max_duration_ms, percentile};
  // Power Tuning trims nothing by default when every sample is a cold start.
  plan.discard_top_bottom = o.discard_top_bottom.value_or(o.cold_starts ? 0.0 : 0.2);
  plan.parallel = o.parallel;
  plan.seed = std::random_device{}();  // a fresh interleaving order per run
  plan.start = o.cold_starts ? engine_api::StartPolicy::kColdEveryTime : engine_api::StartPolicy::kWarm;
  if (o.function.tmp_mb) plan.tmp_mb = *o.function.tmp_mb;
  if (auto valid = tuner::validate(plan); !valid) throw Fatal(valid.error().message);
  return plan;
}

tuner::PriceTable load_price_table(const TuneOptions& o) {
  if (o.prices.empty()) return or_usage_error(tuner::PriceTable::builtin());
  const std::string path = strip_at(o.prices);
  auto text = util::read_file(path);
  if (!text) throw Fatal("--prices: " + text.error().message);
  return or_usage_error(tuner::PriceTable::parse(*text, path));
}

tuner::Prices find_prices(const tuner::PriceTable& table, const TuneOptions& o, engine_api::Architecture arch) {
  std::string region = o.function.region;
  if (region.empty()) {
    // The environment's region prices the run when the table knows it.
    const char* env = std::getenv("AWS_REGION");
    region = env && table.lookup(env, arch) ? env : table.default_region();
  }
  return or_usage_error(table.lookup(region, arch));
}

// The table shows each failing size's first error; `invoke` shows every one with
// its log. Says how, for the first size where every invoke failed.
void print_error_hint(const TuneOptions& o, const tuner::TuneResult& result) {
  for (const tuner::SizeResult& size : result.sizes) {
    if (size.successes > 0 || size.errors.empty()) continue;
    std::string command = "sweetspot invoke";
    if (!o.function.template_file.empty()) {
      command += " --template " + o.function.template_file;
      if (!o.function.function_id.empty()) command += " --function " + o.function.function_id;
    } else if (!o.function.code_dir.empty()) {
      command += " " + o.function.code_dir;
    }
    command += fmt::format(" --memory {}", size.memory_mb);
    if (!o.payload.empty()) command += " --payload '" + o.payload + "'";
    std::cerr << fmt::format("sweetspot: every invoke at {} MB failed; to see each error with the function's log, run: "
                             "{}{}\n",
                             size.memory_mb, command,
                             o.payloads.empty() ? "" : " --payload (one of " + strip_at(o.payloads) + ")");
    return;
  }
}

int run_tune(const TuneOptions& o, const BackendFactory& make_backend) {
  if (!o.arch.empty() && o.arch != "x86_64" && o.arch != "arm64") {
    throw Fatal(fmt::format("--arch {}: use x86_64 or arm64", o.arch));
  }
  const tuner::Plan plan = build_plan(o);
  // Before any invoke: a run of minutes must not end in "cannot write".
  if (!o.json.empty()) check_output_writable("--json", o.json);
  check_report_files(o.reports);
  const tuner::PriceTable table = load_price_table(o);
  // Checked before anything runs: a region missing from the table is a usage error.
  (void)find_prices(table, o, o.arch == "arm64" ? engine_api::Architecture::kArm64 : engine_api::Architecture::kX86_64);

  const int max_mb = plan.selection == tuner::SizeSelection::kAuto
                         ? engine_api::kMaxMemoryMb
                         : *std::max_element(plan.memory_sizes.begin(), plan.memory_sizes.end());
  // A deployed function is tuned in AWS; anything else by the local engine.
  std::unique_ptr<AwsTune> aws = names_deployed_function(o.function, o.aws) ? AwsTune::create(o.function, o.aws) : nullptr;
  std::unique_ptr<engine_api::Backend> local = aws ? nullptr : make_backend(o.function, max_mb);
  engine_api::Backend* backend = aws ? &aws->backend() : local.get();
  if (aws && o.aws.dry_run) return aws->dry_run(tuner::expand_payloads(plan.payloads, 1).value().front());
  TuneOptions priced = o;  // a deployed function is priced in its own region
  if (aws) priced.function.region = aws->region();
  // Priced as the architecture the function runs as (--arch, or its template's).
  const tuner::Prices prices = find_prices(table, priced, backend->architecture());
  if (aws) aws->announce(plan, prices);
  std::cerr << fmt::format("sweetspot: tuning with {}: {} x {} invokes{}\n", backend->describe(),
                           plan.selection == tuner::SizeSelection::kAuto
                               ? std::string("auto-selected sizes")
                               : fmt::format("{} size{}", plan.memory_sizes.size(),
                                             plan.memory_sizes.size() == 1 ? "" : "s"),
                           plan.num, plan.start == engine_api::StartPolicy::kColdEveryTime ? ", every one cold" : "");
  if (plan.parallel && plan.num > 1) {
    std::cerr << fmt::format(
        "sweetspot: note: --parallel runs the {} invokes of a size at once, each in its own environment, but only as "
        "many at a time as this host's CPUs hold without contention (Lambda runs them on separate machines)\n",
        plan.num);
  }

  // Progress on stderr: a bar redrawn in place on a terminal, else a line per size.
  std::optional<report::ProgressBar> bar;
  std::optional<report::ProgressLines> lines;
  if (!o.quiet && ::isatty(STDERR_FILENO)) {
    bar.emplace(std::cerr);
  } else if (!o.quiet) {
    lines.emplace(std::cerr);
  }
  tuner::TuneObserver* observer = bar ? static_cast<tuner::TuneObserver*>(&*bar) : lines ? &*lines : nullptr;
  // Invokes that run on this host are checked against its load (tuner/host_probe.h).
  tuner::CpuBurstProbe probe;
  const bool on_this_host = dynamic_cast<engine::LocalBackend*>(backend) != nullptr;
  // Ctrl-C: the environments are cleaned up (a deployed function restored) at
  // once, then what was measured so far is still printed before the exit 130.
  std::optional<util::InterruptGrace> grace(std::in_place);
  auto result = tuner::tune(*backend, plan, prices, observer, on_this_host ? &probe : nullptr);
  local.reset();  // every environment gone before anything is printed
  if (bar) bar->finish();
  const bool restored = !aws || aws->restore();
  if (!result) throw Fatal(result.error());  // its kind picks the exit status
  report::explain(*result);

  if (result->interrupted) {
    std::cerr << fmt::format("sweetspot: interrupted: the {} size{} measured before it follow\n", result->sizes.size(),
                             result->sizes.size() == 1 ? "" : "s");
  }
  // The name compare matches: the deployed function's, else the local one's.
  result->function = aws ? aws->function_name() : function_name(o.function);

  // Every rendering after the table reads the result back from its JSON, as
  // `sweetspot report` reads a saved one: one path, the same pages.
  const nlohmann::json document = report::to_json(*result);
  auto model = report::read_result(document, "this run");
  if (!model) throw Fatal("internal: the result does not read back: " + model.error().message,
                          util::ExitCode::kEnvironment);
  report::write_report(std::cout, *result);
  std::cout << '\n' << report::render_terminal_chart(*model);
  if (!model->visualization_url.empty()) {
    std::cout << "\nChart on lambda-power-tuning.show: " << model->visualization_url << '\n';
  }
  std::cout.flush();
  if (!o.json.empty()) {
    if (auto written = util::write_file_atomic(o.json, document.dump(2) + "\n"); !written) {
      throw Fatal("--json: " + written.error().message, util::ExitCode::kEnvironment);
    }
    std::cerr << "sweetspot: wrote " << o.json << (result->interrupted ? " (partial: interrupted)" : "") << '\n';
  }
  write_report_files(o.reports, *model);
  if (!aws) print_error_hint(o, *result);  // it suggests a local `sweetspot invoke`
  if (aws) aws->finish(*result);
  std::cerr.flush();
  if (!restored) return static_cast<int>(util::ExitCode::kEnvironment);
  if (result->interrupted) return static_cast<int>(util::ExitCode::kInterrupted);
  // No usable size, or none that meets --max-duration: nothing to recommend.
  return result->recommended() ? 0 : static_cast<int>(util::ExitCode::kFunctionError);
}

// The local engine prints nothing while tuning: the function's log lines would
// tear the progress bar, and failures are in the result.
engine::EngineEvents& quiet_events() {
  static engine::EngineEvents events;
  return events;
}

}  // namespace

void add_tune_command(CLI::App& app, BackendFactory make_backend, int& exit_code) {
  auto o = std::make_shared<TuneOptions>();
  CLI::App* cmd = app.add_subcommand("tune", "Invoke a function at many memory sizes and recommend the best one");
  add_function_options(*cmd, o->function, ArchOption::kSkip);
  add_aws_options(*cmd, o->aws);
  cmd->add_option("--memory,-m", o->memory,
                  "Sizes in MB, comma-separated, or auto to search 128-10240 MB (default 128,256,512,1024,1536,3008)");
  cmd->add_option("--num,-n", o->num, "Invokes per size, 1 to 10000 (default 10)")->check(whole_number(1, 10000));
  cmd->add_option("--payload,-p", o->payload,
                  "Event: JSON text or @FILE (default {}); a [{\"payload\":..,\"weight\":N}] array is weighted");
  cmd->add_option("--payloads", o->payloads, "@FILE holding weighted payloads [{\"payload\": ..., \"weight\": N}]");
  cmd->add_option("--strategy", o->strategy, "cost, speed or balanced (default cost)");
  cmd->add_option("--weight", o->weight, "Balanced only: 1 = cost only, 0 = speed only (default 0.5)")
      ->check(decimal_number(0, 1));
  cmd->add_option("--max-duration", o->max_duration_ms,
                  "Latency limit in ms: recommend the best size whose --percentile duration meets it")
      ->check(decimal_number(0.001, 900000, "ms"));
  cmd->add_option("--percentile", o->percentile, "Percentile the latency limit checks: p50, p90, p95, p99 (default p95)");
  cmd->add_flag("--parallel", o->parallel, "Run each size's invokes all at once, each in its own environment");
  cmd->add_flag("--cold-starts", o->cold_starts, "A new execution environment for every invoke: every sample is cold");
  cmd->add_option("--discard-top-bottom", o->discard_top_bottom,
                  "Fraction of samples dropped at each end for the average, 0 to 0.4 (default 0.2; 0 with --cold-starts)")
      ->check(decimal_number(0, 0.4));
  cmd->add_option("--arch", o->arch, "x86_64 or arm64: the function's architecture and its prices (default: the template's, else x86_64)");
  cmd->add_option("--prices", o->prices, "@FILE: a price table replacing the built-in one (shape of data/prices.json)");
  cmd->add_option("--json", o->json, "Also write the result as JSON (a superset of AWS Lambda Power Tuning's) to FILE");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress on stderr (a bar on a terminal, else one line per finished size)");
  add_report_file_options(*cmd, o->reports);
  cmd->footer(
      "The table and recommendation go to stdout; progress to stderr (a bar on a terminal, else a line per size).\n"
      "Ctrl-C stops the run, prints the sizes measured so far (and writes them to --json) and exits 130.\n"
      "Costs: billed duration (init included when cold) x memory x the first-tier GB-second price, plus the\n"
      "request charge and /tmp above 512 MB; the JSON's Power Tuning fields (cost, averagePrice) leave the\n"
      "request charge out, as Power Tuning does. Percentiles interpolate between closest ranks.\n"
      "Exit status: 0 a size is recommended, 1 no size worked or none met --max-duration, 2 bad input,\n"
      "3 the host cannot run it, 130 interrupted.");
  cmd->callback([o, make_backend, &exit_code] {
    if (!o->arch.empty()) o->function.arch = o->arch;  // it runs as the architecture it is priced as
    exit_code = run_tune(*o, make_backend);
  });
}

void add_tune_command(CLI::App& app, int& exit_code) {
  add_tune_command(
      app,
      [](const FunctionOptions& function, int max_memory_mb) -> std::unique_ptr<engine_api::Backend> {
        const engine_api::FunctionConfig config = load_function_config(function, max_memory_mb);
        return make_local_backend(config, function, &quiet_events());
      },
      exit_code);
}

}  // namespace sweetspot::cli
