#include "tuner/testing/fake_backend.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine_api/lambda_limits.h"
#include "tuner/quota.h"

namespace sweetspot::tuner::testing {

namespace {

// The step and the memory-proportional work are outside the model's form on purpose.
double work_scale(const Curve& c, int memory_mb) {
  const double throttled = engine_api::cpu_share(memory_mb) < 0.2 ? c.throttled_cpu_factor : 1.0;
  return (c.knee_mb > 0 && memory_mb >= c.knee_mb ? c.knee_factor : 1.0) * throttled;
}

double serial_ms(const Curve& c, int memory_mb) { return c.serial_cpu_ms + c.serial_ms_per_gb * memory_mb / 1024.0; }

// Memory pressure adds work to the serial part (a collector runs on one thread).
double pressure_ms(const Curve& c, int memory_mb) {
  if (c.pressure_cpu_ms <= 0 || c.working_set_mb <= 0) return 0;
  return c.pressure_cpu_ms * c.working_set_mb / std::max(1.0, static_cast<double>(memory_mb - c.working_set_mb));
}

// Wall time of an invoke: its wait, then its CPU work at `share` of a CPU.
double duration_at(const Curve& c, int memory_mb, double wait, double cpu_scale, double pressure, double share,
                   int cores) {
  cpu_scale *= work_scale(c, memory_mb);
  const double serial = serial_ms(c, memory_mb) * cpu_scale;
  const double parallel = c.parallel_cpu_ms * cpu_scale / std::min(share, static_cast<double>(cores));
  if (c.quota_period_ms > 0) {
    // One thread runs the work and the collector in turn: the quota sees their sum.
    return wait + (expected_quota_duration_ms(serial + pressure, share, c.quota_period_ms) + parallel);
  }
  if (c.wait_hidden_factor > 0 && share < 1) {
    const double throttled = c.wait_hidden_factor * (serial + pressure) / share + parallel;
    const double unthrottled = wait + serial + pressure + c.parallel_cpu_ms * cpu_scale / cores;
    return std::max(throttled, unthrottled);
  }
  // The sums in the order they always had, so the standard curves' tables stay byte-identical.
  return wait + (serial / std::min(share, 1.0) + parallel) + pressure / std::min(share, 1.0);
}

}  // namespace

double true_cpu_ms(const Curve& c, int memory_mb) {
  return (serial_ms(c, memory_mb) + c.parallel_cpu_ms) * work_scale(c, memory_mb) + pressure_ms(c, memory_mb);
}

double true_duration_ms(const Curve& c, int memory_mb) {
  return duration_at(c, memory_mb, c.wait_ms, 1, pressure_ms(c, memory_mb), engine_api::cpu_share(memory_mb),
                     engine_api::visible_cores(memory_mb));
}

std::vector<Curve> standard_curves() {
  std::vector<Curve> curves;
  auto add = [&](std::string name, double wait, double serial, double parallel, int working_set, double pressure,
                 double noise) {
    Curve c;
    c.name = std::move(name);
    c.wait_ms = wait;
    c.serial_cpu_ms = serial;
    c.parallel_cpu_ms = parallel;
    c.working_set_mb = working_set;
    c.pressure_cpu_ms = pressure;
    c.noise = noise;
    curves.push_back(c);
  };
  add("cpu-single", 0, 400, 0, 0, 0, 0.03);
  add("cpu-parallel", 0, 100, 2000, 0, 0, 0.03);
  add("io-bound", 120, 15, 0, 0, 0, 0.05);
  add("mixed", 60, 200, 0, 0, 0, 0.03);
  add("gc-pressure", 20, 300, 0, 180, 150, 0.03);
  add("gc-parallel", 30, 50, 600, 400, 400, 0.03);
  add("gc-io", 200, 100, 0, 256, 400, 0.03);
  add("java-like", 100, 300, 100, 512, 800, 0.05);
  add("oom-floor", 50, 20, 0, 700, 0, 0.03);
  add("short-invokes", 3, 2, 0, 0, 0, 0.05);
  add("noisy-mixed", 40, 150, 150, 0, 0, 0.15);
  // Not the model's form: CPU work halves from 2,400 MB (a cache that fits), so the
  // cheapest size is just above a step no formula predicts.
  add("cache-step", 30, 300, 100, 0, 0, 0.05);
  curves.back().knee_mb = 2400;
  curves.back().knee_factor = 0.5;
  // Not the model's form: serial work grows with memory (a heap scanned in
  // proportion to its size), with parallel work that gains above one vCPU.
  add("heap-scan", 20, 100, 900, 0, 0, 0.05);
  curves.back().serial_ms_per_gb = 120;
  // Each execution environment at its own speed, as on a real host: image-python's
  // numbers on the 2-CPU host (bench/README.md session 10: 50 ms of CPU, 9% between
  // environments, 5% between invokes of one, 15% more CPU time below a fifth of a vCPU).
  add("env-speed", 10, 50, 0, 0, 0, 0.05);
  curves.back().environment_spread = 0.09;
  curves.back().throttled_cpu_factor = 1.15;
  // image-python as measured with its sizes interleaved (bench/README.md session
  // 12): 63 ms of CPU, 8.6 ms of waiting at one vCPU that hides below it, where
  // the duration is 0.95 of CPU time / share; 3% more CPU time below a fifth of
  // a vCPU. Its cost is flat within 2% from about 192 MB to 1,024 MB.
  add("hidden-waits", 8.6, 63, 0, 0, 0, 0.05);
  curves.back().wait_hidden_factor = 0.95;
  curves.back().throttled_cpu_factor = 1.03;
  // The same function on a host whose stretches run all CPU work 1.31x faster
  // or slower for a few invokes at a time, in every environment at once: sizes
  // measured at different times differ by that much (bench/README.md session 13).
  curves.push_back(curves.back());
  curves.back().name = "host-stretches";
  curves.back().host_stretch_factor = 1.31;
  return curves;
}

Curve standard_curve(std::string_view name) {
  for (auto& c : standard_curves()) {
    if (c.name == name) return c;
  }
  return Curve{};
}

engine_api::SizeSupport FakeBackend::support(int memory_mb) const {
  engine_api::SizeSupport s;
  s.requested_cpus = engine_api::cpu_share(memory_mb);
  s.requested_cores = engine_api::visible_cores(memory_mb);
  s.effective_cpus = std::min(s.requested_cpus, static_cast<double>(curve_.host_cores));
  s.effective_cores = std::min(s.requested_cores, curve_.host_cores);
  if (s.cpu_capped_by_host()) s.note = fmt::format("the host has {} cores", curve_.host_cores);
  if (curve_.quota_period_ms > 0) {
    s.cpu_period = std::chrono::microseconds(std::llround(curve_.quota_period_ms * 1000));
  }
  return s;
}

engine_api::Invocation FakeBackend::invoke(int memory_mb, const std::string& payload, engine_api::StartKind start) {
  const auto event = nlohmann::json::parse(payload, nullptr, false);
  const double scale = event.is_object() ? event.value("scale", 1.0) : 1.0;
  const bool fail = event.is_object() && event.value("fail", false);
  const engine_api::SizeSupport s = support(memory_mb);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const double jitter = std::max(0.5, 1 + curve_.noise * gauss(random_));

  // The environment's speed: drawn when it starts (only with a spread, so that
  // the other curves' random sequences stay as they were).
  double slowness = 1;
  if (curve_.environment_spread > 0) {
    if (start == engine_api::StartKind::kCold || !slowness_.contains(memory_mb)) {
      slowness_[memory_mb] = std::exp(curve_.environment_spread * gauss(random_));
    }
    slowness = slowness_[memory_mb];
  }

  // The host's stretch: switched with probability 1 / its mean length before
  // each invoke (drawn only with a factor, as above).
  if (curve_.host_stretch_factor > 1) {
    if (std::uniform_real_distribution<double>(0, 1)(random_) < 1 / std::max(1.0, curve_.host_stretch_invokes)) {
      fast_stretch_ = !fast_stretch_;
    }
    slowness *= std::pow(curve_.host_stretch_factor, fast_stretch_ ? -0.5 : 0.5);
  }

  engine_api::Invocation inv;
  inv.request_id = fmt::format("fake-{}", ++invocations_);
  inv.memory_mb = memory_mb;
  inv.start = start;
  const double work = scale * slowness;
  const double pressure = pressure_ms(curve_, memory_mb) * work;
  const double duration =
      duration_at(curve_, memory_mb, curve_.wait_ms * scale, work, pressure, s.effective_cpus, s.effective_cores) *
      jitter;
  inv.duration_ms = std::round(duration * 100) / 100;  // REPORT's two decimals
  inv.cpu_time_ms = (serial_ms(curve_, memory_mb) + curve_.parallel_cpu_ms) * work * work_scale(curve_, memory_mb) +
                    pressure;
  inv.max_memory_used_mb = std::min(memory_mb, std::max(curve_.working_set_mb, 40) + 5 + curve_.reclaimable_mb);
  if (start == engine_api::StartKind::kCold && curve_.init_ms > 0) {
    inv.init_duration_ms = std::round(curve_.init_ms / std::min(s.effective_cpus, 1.0) * 100) / 100;
  }
  if (curve_.working_set_mb > 0 && memory_mb <= curve_.working_set_mb) {
    inv.outcome = engine_api::Outcome::kOutOfMemory;
    inv.error_type = "Runtime.OutOfMemory";
    inv.duration_ms = std::round(duration * 30) / 100;  // dies part way through
    inv.max_memory_used_mb = memory_mb;
  } else if (curve_.timeout_ms > 0 && inv.duration_ms > curve_.timeout_ms) {
    inv.outcome = engine_api::Outcome::kTimeout;
    inv.error_type = "Sandbox.Timedout";
    inv.duration_ms = curve_.timeout_ms;
  } else if (fail) {
    inv.outcome = engine_api::Outcome::kFunctionError;
    inv.error_type = "Error";
  }
  inv.billed_duration_ms = static_cast<int64_t>(std::ceil(inv.duration_ms + inv.init_duration_ms.value_or(0)));
  return inv;
}

util::Result<std::vector<engine_api::Invocation>> FakeBackend::run(const engine_api::Batch& batch,
                                                               engine_api::InvokeObserver* observer) {
  batches_.push_back(batch);
  if (std::find(refuse.begin(), refuse.end(), batch.memory_mb) != refuse.end()) {
    return util::fail(fmt::format("cannot configure {} MB", batch.memory_mb));
  }
  std::vector<engine_api::Invocation> out;
  const size_t environments = static_cast<size_t>(std::max(1, batch.concurrency));
  // Environments kept warm by an earlier batch of this size (keep_warm).
  const bool reuse = batch.keep_warm && batch.start == engine_api::StartPolicy::kWarm;
  const size_t warm = reuse ? warm_[batch.memory_mb] : 0;
  if (reuse) warm_[batch.memory_mb] = std::max(warm, std::min(environments, batch.payloads.size()));
  for (size_t i = 0; i < batch.payloads.size(); ++i) {
    // Each environment's first invoke is cold; with kColdEveryTime all are.
    const bool cold = batch.start == engine_api::StartPolicy::kColdEveryTime || (i < environments && i >= warm);
    out.push_back(invoke(batch.memory_mb, batch.payloads[i], cold ? engine_api::StartKind::kCold : engine_api::StartKind::kWarm));
    if (observer) observer->on_invocation(out.back());
  }
  return out;
}

}  // namespace sweetspot::tuner::testing
