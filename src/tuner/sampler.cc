#include "tuner/sampler.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine_api/lambda_limits.h"
#include "tuner/statistics.h"
#include "tuner/tuner.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace sweetspot::tuner {

namespace {

class ForwardInvocations : public engine_api::InvokeObserver {
 public:
  explicit ForwardInvocations(TuneObserver* observer) : observer_(observer) {}
  void on_invocation(const engine_api::Invocation& invocation) override {
    if (observer_) observer_->on_invocation(invocation);
  }

 private:
  TuneObserver* observer_;
};

// Failures that more invokes at the same size cannot turn into a usable size.
std::string final_failure(const std::vector<engine_api::Invocation>& invocations) {
  for (const auto& inv : invocations) {
    if (inv.outcome == engine_api::Outcome::kOutOfMemory) return "stopped after an out-of-memory: this size is too small";
    if (inv.outcome == engine_api::Outcome::kTimeout) return "stopped after a timeout: this size is too slow";
  }
  const bool any_success = std::any_of(invocations.begin(), invocations.end(), [](auto& i) { return i.ok(); });
  if (!any_success && invocations.size() >= 3) {
    return fmt::format("stopped after {} invokes failed in a row", invocations.size());
  }
  return "";
}

// What the reference bursts saw, in plain words.
std::string host_seen(const HostReport& h) {
  std::string seen = fmt::format("a reference CPU burst got a median {:.0f}% of a CPU, at worst {:.0f}%",
                                 h.median_availability * 100, h.min_availability * 100);
  if (h.min_speed < 0.85) {
    seen += fmt::format(
        ", and a CPU of this host did as little as {:.0f}% of the work per CPU second that the fastest did (median "
        "{:.0f}%): a virtual machine whose core the hypervisor shares, which its own clocks count as CPU time",
        h.min_speed * 100, h.median_speed * 100);
  }
  return seen;
}

}  // namespace

int contention_free_concurrency(const engine_api::Backend& backend, int memory_mb, int wanted) {
  // The host's CPUs are what the largest size can get here.
  const double host_cpus = backend.support(engine_api::kMaxMemoryMb).effective_cpus;
  const double share = backend.support(memory_mb).effective_cpus;
  if (host_cpus <= 0 || share <= 0) return std::max(1, wanted);
  const int fit = static_cast<int>(std::floor(host_cpus / share + 1e-9));
  return std::clamp(fit, 1, std::max(1, wanted));
}

Sampler::Sampler(engine_api::Backend& backend, std::vector<std::string> payloads, const Prices& prices,
                 SamplerOptions options, TuneObserver* observer, HostProbe* probe)
    : backend_(backend), payloads_(std::move(payloads)), prices_(prices), options_(options), observer_(observer),
      probe_(probe), random_(options.seed != 0 ? options.seed : std::random_device{}()) {
  if (payloads_.empty()) payloads_.push_back("{}");
}

void Sampler::want(int memory_mb, int invocations) {
  auto [it, inserted] = sizes_.try_emplace(memory_mb);
  if (inserted) it->second.support = backend_.support(memory_mb);
  it->second.wanted = std::max(it->second.wanted, invocations);
}

int Sampler::invocations(int memory_mb) const {
  auto it = sizes_.find(memory_mb);
  return it == sizes_.end() ? 0 : static_cast<int>(it->second.invocations.size());
}

bool Sampler::active(const SizeState& s) const {
  return s.stopped.empty() && s.backend_error.empty() && static_cast<int>(s.invocations.size()) < s.wanted;
}

HostReading Sampler::probe() {
  if (!probe_) return {};
  last_probe_ = probe_->read();
  probes_.push_back(last_probe_);
  return last_probe_;
}

void Sampler::run_batch(int memory_mb, SizeState& state) {
  const int done = static_cast<int>(state.invocations.size());
  const int left = state.wanted - done;
  int count = std::min(left, state.batches == 0 ? options_.first_batch : options_.per_round);
  // A backend that starts every batch cold (no environment kept) would pay a
  // cold start per round: once a second batch began cold, give such a size the
  // rest of its invokes at once.
  if (state.batches >= 2 && !state.warm_reuse_seen && options_.start == engine_api::StartPolicy::kWarm) count = left;
  engine_api::Batch batch;
  batch.memory_mb = memory_mb;
  batch.start = options_.start;
  batch.keep_warm = true;
  batch.concurrency = options_.parallel ? contention_free_concurrency(backend_, memory_mb, left) : 1;
  if (options_.parallel) {
    // Each round runs as many at once as the host holds without contention.
    const int asked = static_cast<int>(payloads_.size());
    if (batch.concurrency < asked) state.concurrency_limit = batch.concurrency;
    count = std::min(left, std::max(count, batch.concurrency));
  }
  for (int i = 0; i < count; ++i) {
    batch.payloads.push_back(payloads_[static_cast<size_t>(done + i) % payloads_.size()]);
  }
  if (observer_) observer_->on_size_start(memory_mb, state.support);
  const HostReading before = last_probe_;
  ForwardInvocations forward(observer_);
  auto ran = backend_.run(batch, &forward);
  const HostReading after = probe();
  ++state.batches;
  if (!ran) {
    state.backend_error = "could not run: " + ran.error().message;
    return;
  }
  if (state.batches > 1 && !ran->empty() && ran->front().start == engine_api::StartKind::kWarm) state.warm_reuse_seen = true;
  // The host during the batch: the worse of the bursts just before and after.
  const HostReading host{std::min(before.availability, after.availability), std::min(before.speed, after.speed)};
  for (auto& inv : *ran) {
    state.invocations.push_back(std::move(inv));
    state.host.push_back(host);
  }
  total_ += static_cast<int>(ran->size());
  if (ran->size() < batch.payloads.size() && util::interrupted()) state.stopped = "interrupted";
  if (state.stopped.empty()) state.stopped = final_failure(state.invocations);
}

void Sampler::run() {
  if (probes_.empty()) probe();
  while (!util::interrupted()) {
    std::vector<int> order;
    for (const auto& [m, s] : sizes_) {
      if (active(s)) order.push_back(m);
    }
    if (order.empty()) break;
    // A fresh random order each round; with more sizes than the backend keeps
    // warm, a random group of them at a time.
    std::shuffle(order.begin(), order.end(), random_);
    if (options_.group > 0 && order.size() > static_cast<size_t>(options_.group)) {
      order.resize(static_cast<size_t>(options_.group));
      // Finish this group before starting others, so environments stay warm.
      while (!util::interrupted()) {
        std::vector<int> group;
        for (int m : order) {
          if (active(sizes_.at(m))) group.push_back(m);
        }
        if (group.empty()) break;
        std::shuffle(group.begin(), group.end(), random_);
        for (int m : group) run_batch(m, sizes_.at(m));
      }
      continue;
    }
    for (int m : order) run_batch(m, sizes_.at(m));
  }
}

SizeResult Sampler::result(int memory_mb) const {
  const SizeState& s = sizes_.at(memory_mb);
  SizeResult r = summarize_size(memory_mb, s.support, s.invocations, prices_, options_.measure, s.host);
  r.parts = time_parts(s.invocations);
  if (!s.backend_error.empty()) {
    r.feasible = false;
    r.infeasible_reason = s.backend_error;
  }
  if (!s.stopped.empty() && static_cast<int>(s.invocations.size()) < s.wanted) r.stopped_early = s.stopped;
  return r;
}

std::vector<SizeResult> Sampler::results() const {
  std::vector<SizeResult> out;
  for (const auto& [m, s] : sizes_) out.push_back(result(m));
  return out;
}

void Sampler::finish() {
  if (!observer_) return;
  for (auto& [m, s] : sizes_) {
    if (s.reported) continue;
    s.reported = true;
    observer_->on_size_done(result(m));
  }
}

HostReport Sampler::host() const {
  HostReport h;
  h.probes = static_cast<int>(probes_.size());
  const HostSummary seen = summarize_readings(probes_);
  h.median_availability = seen.median.availability;
  h.min_availability = seen.lowest.availability;
  h.median_speed = seen.median.speed;
  h.min_speed = seen.lowest.speed;
  std::vector<int> untrusted;
  for (const auto& [m, s] : sizes_) {
    h.total_invocations += static_cast<int>(s.invocations.size());
    const SizeResult r = result(m);
    h.disturbed_invocations += r.disturbed;
    if (!r.trusted && r.successes > 0) untrusted.push_back(m);
    if (s.concurrency_limit > 0) h.parallel_limited[m] = s.concurrency_limit;
  }
  if (!untrusted.empty()) {
    const std::string list = util::with_thousands_list(untrusted);
    h.too_noisy = true;
    h.verdict = fmt::format(
        "this host was too busy to trust {} MB: {}, so their durations are this host's load, not the function's; "
        "rerun on a quieter host",
        list, host_seen(h));
  } else if (h.disturbed_invocations > 0) {
    h.verdict = fmt::format("the host was busy during {} of {} invokes ({}); those invokes are left out of the statistics",
                            h.disturbed_invocations, h.total_invocations, host_seen(h));
  }
  return h;
}

}  // namespace sweetspot::tuner
