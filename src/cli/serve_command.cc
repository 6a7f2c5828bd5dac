#include "cli/serve_command.h"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>

#include "cli/function_options.h"
#include "cli/log_printer.h"
#include "cli/option_checks.h"
#include "engine_api/lambda_limits.h"
#include "definition/sam_template.h"
#include "lambda_api/http_server.h"
#include "lambda_api/local_invoker.h"
#include "lambda_api/registry.h"
#include "lambda_api/service.h"
#include "util/error.h"
#include "util/interrupt.h"

namespace sweetspot::cli {
namespace {

struct ServeOptions {
  FunctionOptions function;
  std::vector<std::string> dirs;
  std::optional<int> memory_mb;
  std::string host = "127.0.0.1";
  int port = 9001;
  int max_concurrency = 10;
};

// Every function named on the command line: each directory, or each function
// of the template (just --function's when given).
std::vector<engine_api::FunctionConfig> load_functions(const ServeOptions& o) {
  std::vector<engine_api::FunctionConfig> configs;
  if (!o.function.template_file.empty()) {
    if (!o.dirs.empty()) throw util::Fatal("give FUNCTION_DIRs or --template, not both");
    std::vector<std::string> ids;
    if (!o.function.function_id.empty()) {
      ids.push_back(o.function.function_id);
    } else {
      ids = util::value_or_throw(definition::sam_function_ids(o.function.template_file));
      // An empty list: let the loader say what is wrong with the template.
      if (ids.empty()) ids.emplace_back();
    }
    for (const std::string& id : ids) {
      FunctionOptions one = o.function;
      one.function_id = id;
      configs.push_back(load_function_config(one, o.memory_mb));
    }
    return configs;
  }
  if (o.dirs.empty()) {
    throw util::Fatal("no function given: name one or more code directories (sweetspot serve DIR...) or a SAM "
                      "template (--template template.yaml)");
  }
  for (const std::string& dir : o.dirs) {
    FunctionOptions one = o.function;
    one.code_dir = dir;
    configs.push_back(load_function_config(one, o.memory_mb));
  }
  return configs;
}

int run_serve(const ServeOptions& o) {
  // On SIGINT / SIGTERM the process outlives the cleanup (which kills every
  // environment) until this is destroyed, last: invokes in flight are answered
  // (ServiceException) and queued Event invokes reported before it exits.
  util::InterruptGrace answer_in_flight(std::chrono::seconds(10));
  const std::vector<engine_api::FunctionConfig> configs = load_functions(o);
  // The pool prefixes each line with its function, version and environment.
  LogPrinter logs(std::cerr, LogPrefix::kNone);
  const engine::LocalBackendOptions engine_options = local_backend_options(o.function, &logs);

  lambda_api::FunctionRegistry registry(engine_options.region);
  std::vector<std::string> names;
  for (const auto& config : configs) {
    util::value_or_throw(registry.add(config));
    names.push_back(config.name);
  }

  lambda_api::PoolOptions pool_options{engine_options, o.max_concurrency};
  std::mutex print_mutex;
  auto invoker = lambda_api::LocalInvoker::create(pool_options, [&print_mutex](const std::string& message) {
    std::lock_guard lock(print_mutex);
    std::cerr << "sweetspot: " << message << '\n';
  });
  if (!invoker) throw util::Fatal(invoker.error().message, util::ExitCode::kEnvironment);

  lambda_api::Service service(registry, **invoker);
  lambda_api::HttpServerOptions http_options;
  http_options.host = o.host;
  http_options.port = o.port;
  // Every environment can be busy while control-plane calls still get answered.
  http_options.threads = o.max_concurrency + 8;
  auto server = lambda_api::HttpServer::create(service, http_options);
  if (!server) throw util::Fatal(server.error().message, util::ExitCode::kEnvironment);
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1") {
    std::cerr << fmt::format("sweetspot: warning: listening on {}: anyone who can reach it can run these functions\n",
                             o.host);
  }
  std::cerr << fmt::format("sweetspot serve: Lambda API on http://{}:{} for {} ({} environments at most)\n", o.host,
                           (*server)->port(), fmt::join(names, ", "), o.max_concurrency);
  std::cerr << fmt::format("sweetspot serve: try  aws lambda invoke --endpoint-url http://{}:{} --function-name {} "
                           "out.json\n",
                           o.host, (*server)->port(), names.front());
  std::cerr.flush();
  // On SIGINT / SIGTERM the interrupt watcher kills every environment and
  // removes its cgroup (the pool refuses new invokes from then on), then this
  // hook closes the listener: run() returns once the connections in flight
  // have been answered.
  lambda_api::HttpServer* listening = server->get();
  util::CleanupHook stop_listening([listening] { listening->stop(); });
  (*server)->run();
  if (util::interrupted()) {
    (*invoker)->shutdown();  // reports queued Event invokes it drops
    std::lock_guard lock(print_mutex);
    std::cerr << "sweetspot serve: stopped; invokes in flight were answered with ServiceException\n";
  }
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Answer the AWS Lambda API (Invoke, configuration, versions, aliases) for local functions");
  add_function_options(*cmd, options->function);
  // serve takes several directories where the other commands take one.
  cmd->remove_option(cmd->get_option("FUNCTION"));
  cmd->add_option("FUNCTION_DIR", options->dirs, "Directories holding the functions' code (or use --template)");
  cmd->add_option("--memory,-m", options->memory_mb,
                  "Initial MemorySize in MB for every function, 128 to 10240 (default 128, or the template's)")
      ->check(whole_number(engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb, "MB"));
  cmd->add_option("--host", options->host, "Address to listen on (default 127.0.0.1: this host only)");
  cmd->add_option("--port", options->port, "Port to listen on (default 9001; 0 picks a free one)")
      ->check(whole_number(0, 65535));
  cmd->add_option("--max-concurrency", options->max_concurrency,
                  "Execution environments at most, busy or warm (default 10); further invokes get 429 "
                  "TooManyRequestsException")
      ->check(whole_number(1, 256));
  cmd->footer(
      "Functions are named after their directory (or their template's logical id). Point any Lambda client at it:\n"
      "  aws lambda invoke --endpoint-url http://127.0.0.1:9001 --function-name NAME out.json\n"
      "Versions and aliases live as long as the server. Logs go to stderr, each line prefixed with\n"
      "[FUNCTION[:VERSION] env N]. Ctrl-C or SIGTERM stops it: invokes in flight are answered with a\n"
      "ServiceException (500), queued Event invokes are dropped with a note, no process or cgroup is left behind.");
  cmd->callback([options, &exit_code] { exit_code = run_serve(*options); });
}

}  // namespace sweetspot::cli
