// The local engine's own cost, separated from the function's: warm invoke
// overhead, cold start overhead and warm throughput at concurrency 2, with the
// trivial C++ runtime (testdata ops_runtime). Also the experiment behind the
// 20 ms default CFS period. Needs root and cgroups. See bench/README.md.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/execution_environment.h"
#include "engine/local_backend.h"
#include "util/clock.h"

using namespace sweetspot;
using util::Clock;

namespace {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double rank = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(rank);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
}

engine_api::FunctionConfig ops(int memory_mb) {
  engine_api::FunctionConfig c;
  c.name = "bench";
  c.code_dir = std::string(SWEETSPOT_BINARY_DIR) + "/testdata/functions/ops";
  c.memory_mb = memory_mb;
  c.timeout_s = 60;
  return c;
}

engine::EnvironmentOptions env_options(const sandbox::CgroupHost& host, std::chrono::microseconds period) {
  engine::EnvironmentOptions o;
  o.cgroup_host = &host;
  o.cpu_period = period;
  return o;
}

// Warm: the caller's wall time for invoke() minus the runtime's own handling
// time is not separable from outside, so this reports the whole round trip of
// a trivial echo (an upper bound on the engine's overhead) and, beside it, the
// part inside REPORT's Duration.
void warm_overhead(const sandbox::CgroupHost& host) {
  auto env = engine::ExecutionEnvironment::create(ops(1769), env_options(host, std::chrono::milliseconds(20)));
  if (!env) throw std::runtime_error(env.error().message);
  (*env)->invoke({R"({"op":"echo"})"});
  std::vector<double> round_trip, inside, overhead;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    const auto inv = (*env)->invoke({R"({"op":"echo"})"});
    round_trip.push_back(util::elapsed_ms(t0, Clock::now()) * 1000);
    inside.push_back(inv.duration_ms * 1000);
    overhead.push_back(round_trip.back() - inside.back());
  }
  fmt::print("warm invoke, trivial C++ runtime, 1,769 MB, 2,000 invokes\n");
  fmt::print("  round trip (invoke() call to record)   p50 {:7.1f} us   p99 {:7.1f} us\n", percentile(round_trip, .5),
             percentile(round_trip, .99));
  fmt::print("  of which REPORT Duration               p50 {:7.1f} us   p99 {:7.1f} us\n", percentile(inside, .5),
             percentile(inside, .99));
  fmt::print("  engine overhead (round trip - Duration) p50 {:7.1f} us   p99 {:7.1f} us\n", percentile(overhead, .5),
             percentile(overhead, .99));
}

// Cold: create() (cgroup, server, spawn) plus what the first invoke adds beyond
// the runtime's own start-up (Init Duration) and the handler's time (Duration).
void cold_overhead(const sandbox::CgroupHost& host) {
  std::vector<double> create_ms, extra_ms, teardown_ms;
  for (int i = 0; i < 100; ++i) {
    const auto t0 = Clock::now();
    auto env = engine::ExecutionEnvironment::create(ops(1769), env_options(host, std::chrono::milliseconds(20)));
    if (!env) throw std::runtime_error(env.error().message);
    const auto t1 = Clock::now();
    const auto inv = (*env)->invoke({R"({"op":"echo"})"});
    const auto t2 = Clock::now();
    env->reset();
    const auto t3 = Clock::now();
    create_ms.push_back(util::elapsed_ms(t0, t1));
    // Init Duration starts at the runtime's exec inside create(); count
    // create() whole plus the invoke's wall time beyond init and duration.
    extra_ms.push_back(std::max(0.0, util::elapsed_ms(t0, t2) - *inv.init_duration_ms - inv.duration_ms));
    teardown_ms.push_back(util::elapsed_ms(t2, t3));
  }
  fmt::print("cold start, trivial C++ runtime, 1,769 MB, 100 environments\n");
  fmt::print("  create() (cgroup + Runtime API server + spawn)  p50 {:6.2f} ms   p99 {:6.2f} ms\n",
             percentile(create_ms, .5), percentile(create_ms, .99));
  fmt::print("  overhead beyond Init Duration and Duration      p50 {:6.2f} ms   p99 {:6.2f} ms\n",
             percentile(extra_ms, .5), percentile(extra_ms, .99));
  fmt::print("  shutdown (kill, remove cgroup)                  p50 {:6.2f} ms   p99 {:6.2f} ms\n",
             percentile(teardown_ms, .5), percentile(teardown_ms, .99));
}

void throughput(const sandbox::CgroupHost&) {
  engine::LocalBackendOptions o;
  auto backend = engine::LocalBackend::create(ops(1769), o);
  if (!backend) throw std::runtime_error(backend.error().message);
  engine_api::Batch batch;
  batch.memory_mb = 1769;
  batch.concurrency = 2;
  batch.payloads.assign(4000, R"({"op":"echo"})");
  const auto t0 = Clock::now();
  auto r = (*backend)->run(batch, nullptr);
  const double s = util::elapsed_ms(t0, Clock::now()) / 1000;
  if (!r) throw std::runtime_error(r.error().message);
  fmt::print("warm throughput, concurrency 2, 1,769 MB, 4,000 invokes: {:.0f} invokes/s ({:.1f} s, 2 cold starts incl.)\n",
             static_cast<double>(r->size()) / s, s);
}

// How long a burst of CPU takes at a size, under each CFS period, against what
// proportional sharing predicts (cpu / share). Lambda's own period is 20 ms.
void period_experiment(const sandbox::CgroupHost& host) {
  fmt::print("CPU burst duration / proportional prediction (1.00 = proportional), warm, median of 7\n");
  fmt::print("  {:>8} {:>8}", "size", "burst");
  const std::vector<int> periods_ms = {5, 10, 20, 50, 100};
  for (int p : periods_ms) fmt::print(" {:>7}", fmt::format("{} ms", p));
  fmt::print("\n");
  for (int memory : {128, 512}) {
    for (double burst : {2.0, 5.0, 20.0, 50.0}) {
      fmt::print("  {:>5} MB {:>5} ms", memory, burst);
      for (int p : periods_ms) {
        auto env = engine::ExecutionEnvironment::create(ops(memory), env_options(host, std::chrono::milliseconds(p)));
        if (!env) throw std::runtime_error(env.error().message);
        (*env)->invoke({R"({"op":"echo"})"});
        std::vector<double> ratios;
        for (int i = 0; i < 7; ++i) {
          // Idle between invokes, as between real requests: the quota refills.
          std::this_thread::sleep_for(std::chrono::milliseconds(2 * p));
          const auto inv = (*env)->invoke({nlohmann::json{{"op", "spin"}, {"ms", burst}}.dump()});
          ratios.push_back(inv.duration_ms / (burst / engine_api::cpu_share(memory)));
        }
        fmt::print(" {:>7.2f}", percentile(ratios, .5));
      }
      fmt::print("\n");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto host = sandbox::CgroupHost::detect();
  if (!host) {
    std::fprintf(stderr, "engine_bench: %s\n", host.error().message.c_str());
    return 1;
  }
  const std::string only = argc > 1 ? argv[1] : "";
  if (only.empty() || only == "warm") warm_overhead(*host);
  if (only.empty() || only == "cold") cold_overhead(*host);
  if (only.empty() || only == "throughput") throughput(*host);
  if (only.empty() || only == "period") period_experiment(*host);
  return 0;
}
