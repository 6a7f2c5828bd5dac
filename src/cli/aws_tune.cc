#include "cli/aws_tune.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "aws/credential_chain.h"
#include "aws/function_arn.h"
#include "aws/sts.h"
#include "cli/function_options.h"
#include "engine_api/lambda_limits.h"
#include "tuner/pricing.h"
#include "util/error.h"

namespace sweetspot::cli {
namespace {

using util::ExitCode;
using util::Fatal;

void print_restore(const aws::RestoreReport& report) {
  if (report.complete()) {
    if (!report.done.empty()) std::cerr << "sweetspot: restored the function (" << report.done.size() << " changes undone)\n";
    return;
  }
  std::cerr << "sweetspot: error: the function could not be fully restored. Left behind:\n";
  for (const auto& item : report.left) std::cerr << "  - " << item << '\n';
  std::cerr << "Remove it with:\n";
  for (const auto& command : report.commands) std::cerr << "  " << command << '\n';
}

aws::RetryPolicy retry_policy(const aws::EnvLookup& env) {
  aws::RetryPolicy retry;
  if (const std::string attempts = env("AWS_MAX_ATTEMPTS"); !attempts.empty()) {
    char* end = nullptr;
    const long n = std::strtol(attempts.c_str(), &end, 10);
    if (end == attempts.c_str() || *end != '\0' || n < 1 || n > 50) {
      throw Fatal("AWS_MAX_ATTEMPTS must be a whole number from 1 to 50");
    }
    retry.max_attempts = static_cast<int>(n);
  }
  retry.stop = [] { return util::interrupted(); };
  return retry;
}

}  // namespace

std::unique_ptr<AwsTune> AwsTune::create(const FunctionOptions& function, const AwsOptions& options) {
  const aws::EnvLookup env = aws::process_environment();
  aws::AwsBackendOptions backend_options;
  std::string region = function.region;
  if (aws::looks_like_function_arn(function.code_dir)) {
    auto arn = util::value_or_throw(aws::parse_function_arn(function.code_dir));
    if (!region.empty() && region != arn.region) {
      throw Fatal(fmt::format("--region {} contradicts the ARN's region {}", region, arn.region));
    }
    region = arn.region;
    backend_options.function = arn.unqualified();
    backend_options.qualifier = arn.qualifier;
  } else if (aws::looks_like_function_arn(options.function_name)) {
    auto arn = util::value_or_throw(aws::parse_function_arn(options.function_name));
    region = region.empty() ? arn.region : region;
    backend_options.function = arn.unqualified();
    backend_options.qualifier = arn.qualifier;
  } else {
    backend_options.function = options.function_name;
  }

  const aws::SharedFiles files = util::value_or_throw(aws::load_shared_files(env));
  const aws::CredentialPlan plan = util::value_or_throw(aws::plan_credentials({options.profile, region}, files, env));
  if (plan.region.empty()) {
    throw Fatal("no AWS region: give --region, set AWS_REGION, or put region in the profile (aws configure)");
  }
  const aws::RetryPolicy retry = retry_policy(env);
  const std::string sts_url = aws::default_endpoint_url("sts", plan.region, env);
  auto credentials = aws::obtain_credentials(plan, aws::sts_assume_role(sts_url, plan.region, retry));
  if (!credentials) throw Fatal(credentials.error().message, ExitCode::kEnvironment);

  backend_options.lambda.url =
      options.endpoint_url.empty() ? aws::default_endpoint_url("lambda", plan.region, env) : options.endpoint_url;
  backend_options.lambda.scope = {plan.region, "lambda"};
  backend_options.credentials = *credentials;
  backend_options.retry = retry;
  backend_options.update_limit = std::chrono::milliseconds(static_cast<long long>(options.update_timeout_s * 1000));
  backend_options.cli_options = "--region " + plan.region;
  if (!options.profile.empty() || !env("AWS_PROFILE").empty()) backend_options.cli_options += " --profile " + plan.profile;
  if (!options.endpoint_url.empty()) backend_options.cli_options += " --endpoint-url " + options.endpoint_url;

  std::unique_ptr<AwsTune> tune(new AwsTune());
  tune->options_ = options;
  std::cerr << fmt::format("sweetspot: AWS credentials from {}\n", credentials->source);
  auto backend = aws::AwsBackend::create(std::move(backend_options));
  if (!backend) throw Fatal(backend.error().message, ExitCode::kEnvironment);
  tune->backend_ = std::move(*backend);
  // Ctrl-C or SIGTERM: put the function back before exiting.
  tune->hook_.emplace([backend = tune->backend_.get()] { print_restore(backend->restore()); });
  return tune;
}

AwsTune::~AwsTune() {
  if (!restored_ && backend_) {
    hook_.reset();
    print_restore(backend_->restore());
  }
}

bool AwsTune::restore() {
  hook_.reset();
  restored_ = true;
  const aws::RestoreReport report = backend_->restore();
  print_restore(report);
  return report.complete();
}

int AwsTune::dry_run(const std::string& payload) {
  const auto& config = backend_->original();
  std::cerr << fmt::format("sweetspot: --dry-run: one invoke of {} at its current {} MB; nothing is changed\n",
                           config.function_name, config.memory_mb);
  const engine_api::Invocation inv = backend_->invoke_unchanged(payload);
  restored_ = true;  // nothing to restore
  hook_.reset();
  if (!inv.log_tail.empty()) std::cerr << inv.log_tail << (inv.log_tail.ends_with('\n') ? "" : "\n");
  if (!inv.ok()) {
    std::cerr << fmt::format("sweetspot: the invoke failed: {}: {}\n", inv.error_type, inv.error_message);
    return static_cast<int>(ExitCode::kFunctionError);
  }
  std::cout << fmt::format("{} MB: Duration {:.2f} ms, Billed Duration {} ms, Max Memory Used {} MB{}\n",
                           config.memory_mb, inv.duration_ms, inv.billed_duration_ms, inv.max_memory_used_mb,
                           inv.init_duration_ms ? fmt::format(", Init Duration {:.2f} ms", *inv.init_duration_ms) : "");
  return 0;
}

void AwsTune::announce(const tuner::Plan& plan, const tuner::Prices& prices) const {
  const auto& config = backend_->original();
  std::vector<int> sizes = plan.memory_sizes;
  if (plan.selection == tuner::SizeSelection::kAuto) sizes.assign(plan.search.max_probes, engine_api::kMaxMemoryMb);
  const bool cold = plan.start == engine_api::StartPolicy::kColdEveryTime;
  double most = 0;
  int invokes = 0;
  for (int mb : sizes) {
    for (int i = 0; i < plan.num; ++i) {
      // Every invoke running to its timeout, the cold ones with a full 10 s init.
      const double billed_ms = config.timeout_s * 1000.0 + ((cold || i == 0) ? engine_api::kInitLimitS * 1000 : 0);
      most += tuner::invocation_cost(prices, mb, billed_ms, config.ephemeral_storage_mb).total();
      ++invokes;
    }
  }
  std::cerr << fmt::format(
      "sweetspot: this run's own AWS cost: at most ${:.6f} ({} invokes in {}, each at most its {} s timeout; "
      "the configuration calls are free)\n",
      most, invokes, prices.region, config.timeout_s);
}

void AwsTune::finish(const tuner::TuneResult& result) const {
  std::cerr << fmt::format("sweetspot: this run's own AWS cost: ${:.6f} ({} invokes, billed durations and request "
                           "charges, before any free tier)\n",
                           result.lambda_cost, result.invocations);
  if (!options_.apply) return;
  const tuner::SizeResult* chosen = result.recommended();
  if (chosen == nullptr) throw Fatal("--apply: no size was recommended, so nothing was applied", ExitCode::kFunctionError);
  auto applied = backend_->apply(chosen->memory_mb, options_.alias);
  if (!applied) throw Fatal("--apply: " + applied.error().message, ExitCode::kEnvironment);
  std::cerr << "sweetspot: --apply: " << *applied << '\n';
}

}  // namespace sweetspot::cli
