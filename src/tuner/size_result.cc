#include "tuner/size_result.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sweetspot::tuner {

namespace {

double percentile_value(const Summary& s, std::vector<double> samples, double p) {
  if (p == 5) return s.p5;
  if (p == 50) return s.p50;
  if (p == 90) return s.p90;
  if (p == 95) return s.p95;
  if (p == 99) return s.p99;
  std::sort(samples.begin(), samples.end());
  return percentile_of_sorted(samples, p);
}

std::string infeasibility(const SizeResult& r) {
  auto count = [&](const char* type) {
    auto it = r.errors.find(type);
    return it == r.errors.end() ? 0 : it->second;
  };
  const int oom = count("Runtime.OutOfMemory");
  const int timeouts = count("Sandbox.Timedout");
  if (oom > 0) return fmt::format("out of memory in {} of {} invokes", oom, r.invocations);
  if (timeouts > 0) return fmt::format("timed out in {} of {} invokes", timeouts, r.invocations);
  if (r.successes == 0) {
    std::string kinds;
    for (const auto& [type, n] : r.errors) kinds += fmt::format("{}{} x{}", kinds.empty() ? "" : ", ", type, n);
    if (r.first_error.empty()) {
      return fmt::format("all {} invokes failed ({})", r.invocations, kinds.empty() ? "no invokes" : kinds);
    }
    return fmt::format("all {} invokes failed ({}); the first said: {}", r.invocations, kinds, r.first_error);
  }
  return "";
}

}  // namespace

bool disturbed_by_host(const HostReading& host, const engine_api::SizeSupport& support) {
  const double cpus = support.effective_cpus > 0 ? support.effective_cpus : support.requested_cpus;
  const double needed = std::min(1.0, cpus > 0 ? cpus : 1.0);
  return host.availability < needed * 0.85 || host.speed < 0.85;
}

SizeResult summarize_size(int memory_mb, const engine_api::SizeSupport& support,
                          const std::vector<engine_api::Invocation>& invocations, const Prices& prices,
                          const MeasureOptions& options, const std::vector<HostReading>& host) {
  SizeResult r;
  r.memory_mb = memory_mb;
  r.support = support;
  r.invocations = static_cast<int>(invocations.size());
  // Which invokes a busy host disturbed, and whether enough others remain to
  // leave them out of the statistics.
  std::vector<bool> disturbed(invocations.size(), false);
  int steady_clean = 0;
  if (!host.empty() && host.size() == invocations.size()) {
    const HostSummary seen = summarize_readings(host);
    r.host_availability = seen.median.availability;
    r.host_speed = seen.median.speed;
    for (size_t i = 0; i < invocations.size(); ++i) {
      disturbed[i] = disturbed_by_host(host[i], support);
      r.disturbed += disturbed[i] ? 1 : 0;
      const bool steady = options.start != engine_api::StartPolicy::kWarm || invocations[i].start == engine_api::StartKind::kWarm;
      if (!disturbed[i] && invocations[i].ok() && steady) ++steady_clean;
    }
  }
  const bool drop_disturbed = r.disturbed > 0 && steady_clean >= 2;
  r.trusted = r.disturbed == 0 || drop_disturbed;
  std::vector<double> all, warm, cold, init, billed, warm_billed, cpu, warm_cpu;
  std::vector<SizeResult::SteadySample> samples, warm_samples;
  double cost_sum = 0;
  for (size_t index = 0; index < invocations.size(); ++index) {
    const auto& inv = invocations[index];
    const double billed_ms = static_cast<double>(inv.billed_duration_ms);
    r.spent += invocation_cost(prices, memory_mb, billed_ms, options.tmp_mb).total();
    r.max_memory_used_mb = std::max(r.max_memory_used_mb, inv.max_memory_used_mb);
    if (!inv.limits_enforced) r.limits_enforced = false;
    if (!inv.ok()) {
      const std::string type = inv.error_type.empty() ? engine_api::to_string(inv.outcome) : inv.error_type;
      ++r.errors[type];
      if (r.first_error.empty() && !inv.error_message.empty()) {
        // One line: a traceback's first line says what went wrong; `invoke` shows the rest.
        std::string message = inv.error_message.substr(0, inv.error_message.find('\n'));
        if (message.size() > 200) message = message.substr(0, 197) + "...";
        r.first_error = type + ": " + message;
      }
      continue;
    }
    ++r.successes;
    // Only steady samples are dropped: a warm run's cold start is no steady
    // sample anyway, and its init time is worth showing.
    const bool steady_sample = options.start != engine_api::StartPolicy::kWarm || inv.start == engine_api::StartKind::kWarm;
    if (drop_disturbed && disturbed[index] && steady_sample) continue;
    const double total = inv.duration_ms + inv.init_duration_ms.value_or(0);
    all.push_back(total);
    (inv.start == engine_api::StartKind::kCold ? cold : warm).push_back(total);
    if (inv.init_duration_ms) init.push_back(*inv.init_duration_ms);
    billed.push_back(billed_ms);
    if (inv.start == engine_api::StartKind::kWarm) warm_billed.push_back(billed_ms);
    cpu.push_back(inv.cpu_time_ms);
    if (inv.start == engine_api::StartKind::kWarm) warm_cpu.push_back(inv.cpu_time_ms);
    samples.push_back({total, billed_ms, inv.cpu_time_ms});
    if (inv.start == engine_api::StartKind::kWarm) warm_samples.push_back(samples.back());
    cost_sum += invocation_cost(prices, memory_mb, billed_ms, options.tmp_mb).total();
  }
  const double f = options.discard_top_bottom;
  r.duration = summarize(all, f);
  r.warm_duration = summarize(warm, f);
  r.cold_duration = summarize(cold, f);
  r.init_duration = summarize(init, f);
  r.billed_ms = summarize(billed, f);

  // Steady state: warm invokes when reusing environments (the one cold start of
  // a warm run is an outlier there), every invoke with --cold-starts.
  const bool use_warm = options.start == engine_api::StartPolicy::kWarm && !warm.empty();
  // CPU of the same samples as the duration it is set against: a first invoke
  // also loads modules and compiles (Node.js's JIT), which at 2-3 samples a
  // size would make an I/O-bound function look CPU-bound.
  r.cpu_time_ms = summarize(use_warm ? warm_cpu : cpu, f);
  const Summary& steady = use_warm ? r.warm_duration : r.duration;
  r.typical_duration_ms = steady.trimmed_mean;
  r.latency_ms = percentile_value(steady, use_warm ? warm : all, options.latency_percentile);
  r.steady_billed_ms = summarize(use_warm ? warm_billed : billed, f);
  r.steady_samples = use_warm ? std::move(warm_samples) : std::move(samples);
  r.discard_top_bottom = f;

  if (r.successes > 0) {
    r.mean_cost = billed.empty() ? 0 : cost_sum / static_cast<double>(billed.size());
    r.cost = invocation_cost(prices, memory_mb, r.steady_billed_ms.trimmed_mean, options.tmp_mb);
    r.power_tuning_duration_ms = r.duration.trimmed_mean;
    r.power_tuning_cost = power_tuning_price(prices, memory_mb, r.power_tuning_duration_ms);
  }
  r.infeasible_reason = infeasibility(r);
  r.feasible = r.infeasible_reason.empty();
  return r;
}

}  // namespace sweetspot::tuner
