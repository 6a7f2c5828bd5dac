#include "report/json_result.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "engine_api/lambda_limits.h"
#include "util/base64.h"
#include "report/trace_view.h"
#include "util/file.h"

namespace sweetspot::report {

namespace {

using nlohmann::json;

static_assert(std::endian::native == std::endian::little, "the visualization needs little-endian bytes");

template <typename T>
void append_bytes(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

json summary_json(const tuner::Summary& s) {
  return {{"count", s.count}, {"mean", s.mean},       {"trimmedMean", s.trimmed_mean}, {"min", s.min},
          {"max", s.max},     {"p5", s.p5},  {"p50", s.p50},         {"p90", s.p90},                  {"p95", s.p95},
          {"p99", s.p99},     {"stddev", s.stddev},   {"ci95", {s.ci95_low, s.ci95_high}}};
}

json size_json(const tuner::SizeResult& s) {
  json errors = json::object();
  for (const auto& [type, n] : s.errors) errors[type] = n;
  json j = {
      {"memoryMb", s.memory_mb},
      {"feasible", s.feasible},
      {"invocations", s.invocations},
      {"successes", s.successes},
      {"errors", errors},
      {"durationMs", summary_json(s.duration)},
      {"warmDurationMs", summary_json(s.warm_duration)},
      {"coldDurationMs", summary_json(s.cold_duration)},
      {"initDurationMs", summary_json(s.init_duration)},
      {"billedDurationMs", summary_json(s.billed_ms)},
      {"steadyBilledDurationMs", summary_json(s.steady_billed_ms)},
      {"cpuTimeMs", summary_json(s.cpu_time_ms)},
      {"maxMemoryUsedMb", s.max_memory_used_mb},
      {"typicalDurationMs", s.typical_duration_ms},
      {"latencyMs", s.latency_ms},
      {"costPerInvocation",
       {{"compute", s.cost.compute}, {"request", s.cost.request}, {"storage", s.cost.storage}, {"total", s.cost.total()}}},
      {"costPerMillion", s.cost_per_million()},
      {"meanCostPerInvocation", s.mean_cost},
      {"spent", s.spent},
      {"limitsEnforced", s.limits_enforced && s.support.limits_enforced},
      {"host",
       {{"requestedCpus", s.support.requested_cpus},
        {"effectiveCpus", s.support.effective_cpus},
        {"requestedCores", s.support.requested_cores},
        {"effectiveCores", s.support.effective_cores},
        {"cpuCappedByHost", s.support.cpu_capped_by_host()},
        {"note", s.support.note}}},
  };
  if (!s.feasible) j["infeasibleReason"] = s.infeasible_reason;
  // How busy the host was during this size's invokes (tuner/host_probe.h).
  j["hostAvailability"] = s.host_availability;
  j["hostSpeed"] = s.host_speed;
  j["disturbedInvocations"] = s.disturbed;
  j["trusted"] = s.trusted;
  j["costMargin"] = s.cost_margin;
  if (!s.stopped_early.empty()) j["stoppedEarly"] = s.stopped_early;
  return j;
}

json model_json(const tuner::TuneResult& r) {
  const tuner::DurationModel& m = *r.model;
  // The predicted curve at the 64 MB steps of a sweep, for plotting beside the
  // measurements (which the model passes through).
  // Sizes below the smallest that worked are flagged: the model cannot know
  // whether they fit in memory.
  int smallest_working = engine_api::kMaxMemoryMb + 1;
  for (const auto& s : r.sizes) {
    if (s.feasible) smallest_working = std::min(smallest_working, s.memory_mb);
  }
  json curve = json::array();
  for (int mb = engine_api::kMinMemoryMb; mb <= engine_api::kMaxMemoryMb; mb += 64) {
    const auto p = tuner::predict(m, r.prices, mb, r.plan.tmp_mb);
    curve.push_back({{"memoryMb", mb},
                     {"durationMs", p.duration_ms},
                     {"cost", p.cost},
                     {"belowSmallestWorkingSize", mb < smallest_working}});
  }
  json j = {{"formula", "duration = wait + cpu * (serial / min(share, 1) + parallel / min(share, cores)), "
                        "share = memory / 1769"},
            {"workload", tuner::to_string(m.kind())},
            {"cpuFractionAtOneVcpu", m.cpu_fraction()},
            {"serialFraction", m.serial_fraction()},
            {"parallelismMeasured", m.parallelism_measured()},
            {"usefulCpus", m.useful_cpus()},
            {"description", m.describe()},
            {"predictedCurve", curve}};
  if (r.model_best) {
    j["predictedBest"] = {{"memoryMb", r.model_best->memory_mb},
                          {"durationMs", r.model_best->duration_ms},
                          {"latencyMs", r.model_best->latency_ms},
                          {"cost", r.model_best->cost}};
  }
  return j;
}

}  // namespace

std::string visualization_url(std::vector<VisualizationPoint> points) {
  std::sort(points.begin(), points.end(), [](auto& a, auto& b) { return a.memory_mb < b.memory_mb; });
  std::string sizes, durations, costs;
  for (const auto& p : points) {
    append_bytes(sizes, static_cast<int16_t>(p.memory_mb));
    append_bytes(durations, static_cast<float>(p.duration_ms));
    append_bytes(costs, static_cast<float>(p.cost));
  }
  return std::string(kVisualizationBase) + "#" + util::base64_encode(sizes) + ";" + util::base64_encode(durations) + ";" +
         util::base64_encode(costs);
}

json to_json(const tuner::TuneResult& r) {
  json stats = json::array();
  std::vector<VisualizationPoint> points;
  for (const auto& s : r.sizes) {
    if (s.successes == 0) continue;  // Power Tuning drops sizes without an average
    stats.push_back({{"value", s.memory_mb},
                     {"averagePrice", s.power_tuning_cost},
                     {"averageDuration", s.power_tuning_duration_ms},
                     {"totalCost", s.spent}});
    points.push_back({s.memory_mb, s.power_tuning_duration_ms, s.power_tuning_cost});
  }
  json out;
  if (const tuner::SizeResult* chosen = r.recommended()) {
    out["power"] = chosen->memory_mb;
    out["cost"] = chosen->power_tuning_cost;
    out["duration"] = chosen->power_tuning_duration_ms;
  } else {
    out["power"] = nullptr;
    out["cost"] = nullptr;
    out["duration"] = nullptr;
  }
  out["stateMachine"] = {{"executionCost", 0}, {"lambdaCost", r.lambda_cost}, {"visualization", visualization_url(points)}};
  out["stats"] = stats;
  out["traceParts"] = trace_parts_to_json(r);

  const auto& plan = r.plan;
  json recommendation = {
      {"memoryMb", r.recommended() ? json(r.recommended()->memory_mb) : json(nullptr)},
      {"headline", r.headline},
      {"reasoning", r.reasoning},
      {"warnings", r.warnings},
      {"strategy", tuner::to_string(plan.strategy.kind)},
      {"balancedWeight", plan.strategy.weight},
      {"limitMet", r.choice.limit_met},
  };
  if (plan.strategy.limit) {
    recommendation["latencyLimit"] = {{"maxDurationMs", plan.strategy.limit->max_ms},
                                      {"percentile", plan.strategy.limit->percentile}};
  }
  if (r.closest()) recommendation["closestMemoryMb"] = r.closest()->memory_mb;
  if (const tuner::SizeResult* chosen = r.recommended()) {
    recommendation["costPerInvocation"] = chosen->cost.total();
    recommendation["costPerMillion"] = chosen->cost_per_million();
    recommendation["durationMs"] = chosen->typical_duration_ms;
  }
  json sizes = json::array();
  for (const auto& s : r.sizes) sizes.push_back(size_json(s));
  json tiers = json::array();
  for (const auto& t : r.prices.gb_second_tiers) {
    tiers.push_back({{"upToGbSeconds", std::isinf(t.up_to_gb_seconds) ? json(nullptr) : json(t.up_to_gb_seconds)},
                     {"price", t.price}});
  }
  json sweetspot = {
      {"formatVersion", kResultFormatVersion},
      {"function", r.function},
      {"backend", r.backend},
      {"recommendation", recommendation},
      {"sizes", sizes},
      {"prices",
       {{"region", r.prices.region},
        {"architecture", engine_api::to_string(r.prices.architecture)},
        {"gbSecondTiers", tiers},
        {"gbSecondPriceUsed", r.prices.gb_second()},
        {"request", r.prices.request},
        {"ephemeralStorageGbSecond", r.prices.storage_gb_second},
        {"freeTier",
         {{"requestsPerMonth", r.prices.free_requests_per_month},
          {"gbSecondsPerMonth", r.prices.free_gb_seconds_per_month}}},
        {"source", r.prices.source}}},
      {"run",
       {{"backend", r.backend},
        {"architecture", engine_api::to_string(r.architecture)},
        {"memory", plan.selection == tuner::SizeSelection::kAuto ? json("auto") : json(plan.memory_sizes)},
        {"num", plan.num},
        {"payloads", plan.payloads.size()},
        {"discardTopBottom", plan.discard_top_bottom},
        {"coldStarts", plan.start == engine_api::StartPolicy::kColdEveryTime},
        {"parallel", plan.parallel},
        {"invocations", r.invocations},
        {"lambdaCost", r.lambda_cost},
        {"seed", plan.seed},
        {"host",
         {{"probes", r.host.probes},
          {"medianAvailability", r.host.median_availability},
          {"minAvailability", r.host.min_availability},
          {"medianSpeed", r.host.median_speed},
          {"minSpeed", r.host.min_speed},
          {"disturbedInvocations", r.host.disturbed_invocations},
          {"tooNoisy", r.host.too_noisy},
          {"verdict", r.host.verdict}}}}},
      {"definitions",
       {{"cost", "cost/averagePrice: Power Tuning's definition, ceil(trimmed mean duration) x memory x GB-s price, "
                 "no request charge"},
        {"costPerInvocation", "sweetspot's: trimmed-mean billed duration (init included when cold) x memory x GB-s "
                              "price, plus the request charge and /tmp storage above 512 MB"},
        {"lambdaCost", "every invoke of this run priced as Lambda bills it, failures and request charges included"},
        {"percentiles", "linear interpolation between closest ranks (numpy default, R type 7)"},
        {"trimmedMean", "floor(n x discardTopBottom) samples dropped at each end, as Power Tuning does"}}},
  };
  if (r.model) sweetspot["model"] = model_json(r);
  if (r.search) {
    json probes = json::array();
    for (const auto& p : r.search->probes) {
      json probe = {{"memoryMb", p.memory_mb}, {"reason", p.reason}};
      if (p.predicted_duration_ms) probe["predictedDurationMs"] = *p.predicted_duration_ms;
      if (p.predicted_cost) probe["predictedCost"] = *p.predicted_cost;
      probes.push_back(probe);
    }
    sweetspot["search"] = {{"probes", probes}, {"converged", r.search->converged}, {"stopReason", r.search->stop_reason}};
    if (!r.speed_adjustments.empty()) {  // the recommendation compared these sizes at their CPU times' level
      json adjusted = json::array();
      for (const auto& a : r.speed_adjustments) {
        adjusted.push_back({{"memoryMb", a.memory_mb}, {"cpuTimeMs", a.cpu_ms}, {"typicalCpuTimeMs", a.typical_cpu_ms},
                            {"durationFactor", a.duration_factor}});
      }
      sweetspot["search"]["comparedAtTypicalSpeed"] = adjusted;
    }
    if (const auto& fit = r.sizes_fit) {  // the recommendation compared the sizes through this fit
      json fitted = json::array();
      for (const auto& f : fit->sizes) {
        fitted.push_back({{"memoryMb", f.memory_mb}, {"measuredMs", f.measured_ms}, {"fittedMs", f.fitted_ms}});
      }
      const bool hidden = fit->form == tuner::SizesFit::Form::kWaitHidden;
      sweetspot["search"]["comparedByFit"] = {{"form", hidden ? "waitHiddenBelowOneVcpu" : "waitAdded"},
                                              {"waitMs", fit->wait_ms},
                                              {"serialFraction", fit->serial},
                                              {"throttledFactor", fit->throttled_factor},
                                              {"noise", fit->noise},
                                              {"misfit", fit->misfit},
                                              {"misfitLimit", fit->limit},
                                              {"sizes", fitted}};
    }
  }
  out["sweetspot"] = sweetspot;
  return out;
}

util::Result<void> write_json(const std::filesystem::path& path, const tuner::TuneResult& result) {
  return util::write_file_atomic(path, to_json(result).dump(2) + "\n");
}

}  // namespace sweetspot::report
