#include "engine/local_backend.h"

#include <sched.h>

#include <atomic>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <thread>

#include "engine_api/lambda_limits.h"
#include "engine/runtime_launch.h"
#include "util/interrupt.h"

namespace sweetspot::engine {

using engine_api::Batch;
using engine_api::FunctionConfig;
using engine_api::Invocation;
using engine_api::InvokeObserver;
using engine_api::ResultRetention;
using engine_api::SizeSupport;
using engine_api::StartPolicy;
using engine_api::cpu_share;
using engine_api::kMaxMemoryMb;
using engine_api::kMinMemoryMb;
using engine_api::valid_memory_mb;
using engine_api::visible_cores;

namespace {

int64_t mem_available_mb() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb / 1024;
  }
  return 0;
}

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

util::Result<std::unique_ptr<LocalBackend>> LocalBackend::create(FunctionConfig config, LocalBackendOptions options) {
  std::unique_ptr<LocalBackend> backend(new LocalBackend(std::move(config), options));
  backend->host_cpus_ = available_cpus();
  // What runs is known before any environment starts (an error here surfaces,
  // worded for the user, when the first environment is created).
  if (auto spec = launch_spec(backend->config_)) backend->runtime_note_ = spec->note;
  auto xray = XRayDaemon::create();
  if (!xray) return std::unexpected(xray.error());
  backend->xray_ = std::move(*xray);
  if (options.limits == LimitsMode::kEnforced) {
    auto host = sandbox::CgroupHost::detect();
    if (!host) return std::unexpected(host.error());
    sandbox::remove_stale_cgroups(*host);
    backend->host_cpus_ = host->host_cpus;
    backend->cgroup_host_ = std::move(*host);
  }
  return backend;
}

std::vector<std::string> LocalBackend::notes() const {
  if (runtime_note_.empty()) return {};
  return {runtime_note_};
}

std::string LocalBackend::describe() const {
  if (!cgroup_host_) return fmt::format("local engine, limits NOT enforced, {} host CPUs", host_cpus_);
  return fmt::format("local engine, cgroup {}, {} host CPUs, CPU period {} ms",
                     cgroup_host_->version == sandbox::CgroupVersion::kV2 ? "v2" : "v1", host_cpus_,
                     options_.cpu_period.count() / 1000.0);
}

SizeSupport LocalBackend::support(int memory_mb) const {
  SizeSupport s;
  s.limits_enforced = options_.limits == LimitsMode::kEnforced;
  s.requested_cpus = cpu_share(memory_mb);
  s.requested_cores = visible_cores(memory_mb, options_.min_visible_cores);
  s.effective_cpus = std::min(s.requested_cpus, static_cast<double>(host_cpus_));
  s.effective_cores = std::min(s.requested_cores, host_cpus_);
  s.cpu_period = options_.cpu_period;
  if (!s.limits_enforced) {
    s.note = "limits not enforced (--no-limits): memory and CPU were not capped, durations are not Lambda's";
  } else if (s.cpu_capped_by_host()) {
    s.note = fmt::format("Lambda gives {} MB {:.2f} vCPUs on {} cores; this host has {} CPUs, so it ran with "
                         "{:.2f} vCPUs on {} cores: not emulated faithfully",
                         memory_mb, s.requested_cpus, s.requested_cores, host_cpus_, s.effective_cpus,
                         s.effective_cores);
  }
  return s;
}

util::Result<void> LocalBackend::check_host_memory(const Batch& batch) const {
  const int64_t needed = static_cast<int64_t>(batch.memory_mb) * std::max(1, batch.concurrency);
  const int64_t available = mem_available_mb();
  if (available > 0 && needed > available) {
    return util::fail(fmt::format("{} environments of {} MB need {} MB, but this host has only {} MB available: "
                                  "lower --concurrency or --memory",
                                  batch.concurrency, batch.memory_mb, needed, available));
  }
  return {};
}

std::unique_ptr<ExecutionEnvironment> LocalBackend::take_idle(int memory_mb) {
  std::lock_guard lock(idle_mutex_);
  for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
    if (it->first == memory_mb) {
      auto env = std::move(it->second);
      idle_.erase(std::next(it).base());
      return env;
    }
  }
  return nullptr;
}

void LocalBackend::keep_idle(int memory_mb, std::unique_ptr<ExecutionEnvironment> env) {
  std::unique_ptr<ExecutionEnvironment> evicted;  // shut down outside the lock
  std::lock_guard lock(idle_mutex_);
  idle_.emplace_back(memory_mb, std::move(env));
  if (idle_.size() > kMaxIdleEnvironments) {
    evicted = std::move(idle_.front().second);
    idle_.pop_front();
  }
}

util::Result<std::vector<Invocation>> LocalBackend::run(const Batch& batch, InvokeObserver* observer) {
  if (!valid_memory_mb(batch.memory_mb)) {
    return util::fail(fmt::format("memory size {} MB is outside Lambda's range ({} to {} MB in 1 MB steps)",
                                  batch.memory_mb, kMinMemoryMb, kMaxMemoryMb));
  }
  if (batch.concurrency < 1) return util::fail("concurrency must be at least 1");
  if (auto ok = check_host_memory(batch); !ok) return std::unexpected(ok.error());

  FunctionConfig config = config_;
  config.memory_mb = batch.memory_mb;
  EnvironmentOptions env_options;
  env_options.limits = options_.limits;
  env_options.cgroup_host = cgroup_host_ ? &*cgroup_host_ : nullptr;
  env_options.cpu_period = options_.cpu_period;
  env_options.min_visible_cores = options_.min_visible_cores;
  env_options.init_cpu = options_.init_cpu;
  env_options.region = options_.region;
  env_options.events = options_.events;
  env_options.xray = xray_.get();

  const size_t invokes = batch.invokes();
  const bool retain = batch.retention == ResultRetention::kReturned;
  std::vector<Invocation> results(retain ? invokes : 0);
  std::vector<bool> done(retain ? invokes : 0, false);
  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards the observer, `done` and `failure`
  std::optional<util::Error> failure;

  // Each worker owns at most one environment: a warm environment serves one
  // invoke at a time, and concurrent invokes get environments of their own.
  const bool reuse = batch.keep_warm && batch.start == StartPolicy::kWarm;
  auto serve = [&] {
    std::unique_ptr<ExecutionEnvironment> env = reuse ? take_idle(batch.memory_mb) : nullptr;
    while (true) {
      const size_t i = next++;
      if (i >= invokes || util::interrupted()) break;
      {
        std::lock_guard lock(mutex);
        if (failure) break;
      }
      if (!env || !env->alive()) {
        env.reset();
        auto created = ExecutionEnvironment::create(config, env_options);
        if (!created) {
          std::lock_guard lock(mutex);
          if (!failure) failure = created.error();
          break;
        }
        env = std::move(*created);
      }
      Invocation inv = env->invoke(InvokeInput(batch.payload(i)));
      if (batch.start == StartPolicy::kColdEveryTime) env.reset();
      std::lock_guard lock(mutex);
      if (observer) observer->on_invocation(inv);
      if (retain) {
        results[i] = std::move(inv);
        done[i] = true;
      }
    }
    if (reuse && env && env->alive() && !util::interrupted()) keep_idle(batch.memory_mb, std::move(env));
  };
  // No exception may leave a worker thread (it would end the program with the
  // environments' cgroups and frozen processes left behind): an observer's or
  // the library's exception ends the batch as an error, after `env` is torn down.
  auto worker = [&] {
    try {
      serve();
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      if (!failure) failure = util::Error{std::string("internal error while invoking: ") + e.what(), util::ErrorKind::kInternal};
    }
  };

  // One worker per invoke in flight, never more than there are invokes; the
  // size_t is compared as size_t, so no invoke count can overflow the int.
  const int workers =
      std::max(1, static_cast<int>(std::min(static_cast<size_t>(std::max(batch.concurrency, 1)), invokes)));
  if (workers == 1) {
    worker();
  } else {
    std::vector<std::jthread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
  }
  if (failure) return std::unexpected(*failure);
  std::vector<Invocation> finished;
  for (size_t i = 0; i < results.size(); ++i) {
    if (done[i]) finished.push_back(std::move(results[i]));
  }
  return finished;
}

}  // namespace sweetspot::engine
