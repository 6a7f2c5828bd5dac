#include "tuner/host_probe.h"

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cmath>

#include "tuner/statistics.h"

namespace sweetspot::tuner {

namespace {

double now_ms(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Burst {
  double cpu_ms = 0;
  double wall_ms = 0;
  double work = 0;  // units of the loop below
};

// Spins until the thread has used `cpu_ms` of CPU time. Work the optimiser
// cannot remove, with no memory traffic (a slower CPU, not a cache, is what it
// looks for); reading the thread's CPU clock every few thousand steps keeps the
// probe's own overhead small.
Burst spin(double cpu_ms) {
  Burst b;
  const double wall_start = now_ms(CLOCK_MONOTONIC);
  const double cpu_start = now_ms(CLOCK_THREAD_CPUTIME_ID);
  volatile double sink = 1;
  while (true) {
    double x = sink;
    for (int i = 0; i < 4096; ++i) x = std::sqrt(x * 1.0000001 + 1);
    sink = x;
    b.work += 1;
    b.cpu_ms = now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    if (b.cpu_ms >= cpu_ms) break;
  }
  b.wall_ms = now_ms(CLOCK_MONOTONIC) - wall_start;
  return b;
}

// A burst pinned to each CPU this thread may use, in turn: their work per CPU
// millisecond (none if the thread's affinity cannot be read or set). The thread
// gets its own affinity back.
std::vector<double> pinned_rates(double burst_ms) {
  std::vector<double> rates;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return rates;
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  if (cpus.empty()) return rates;
  // The same CPU time split over the CPUs, at least 1 ms each (the clock's
  // reading cost stays below 1% of that).
  const double each_ms = std::max(1.0, burst_ms / static_cast<double>(cpus.size()));
  for (int c : cpus) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(c, &one);
    if (::sched_setaffinity(0, sizeof(one), &one) != 0) continue;
    const Burst b = spin(each_ms);
    if (b.cpu_ms > 0) rates.push_back(b.work / b.cpu_ms);
  }
  ::sched_setaffinity(0, sizeof(allowed), &allowed);
  return rates;
}

}  // namespace

HostSummary summarize_readings(const std::vector<HostReading>& readings) {
  HostSummary s;
  if (readings.empty()) return s;
  std::vector<double> availability, speed;
  for (const auto& r : readings) {
    availability.push_back(r.availability);
    speed.push_back(r.speed);
  }
  std::sort(availability.begin(), availability.end());
  std::sort(speed.begin(), speed.end());
  s.median = {percentile_of_sorted(availability, 50), percentile_of_sorted(speed, 50)};
  s.lowest = {availability.front(), speed.front()};
  return s;
}

double SpeedBaseline::speed(const BurstRates& rates) {
  const auto counts = [](double rate) { return std::isfinite(rate) && rate > 0; };
  if (counts(rates.unpinned)) fastest_ = std::max(fastest_, rates.unpinned);
  double slowest = INFINITY;
  for (double rate : rates.pinned) {
    if (!counts(rate)) continue;
    fastest_ = std::max(fastest_, rate);
    slowest = std::min(slowest, rate);
  }
  if (!std::isfinite(slowest) || fastest_ <= 0) return 1;
  return std::clamp(slowest / fastest_, 0.01, 1.0);
}

HostReading CpuBurstProbe::read() {
  HostReading reading;
  BurstRates rates;
  // Unpinned, like the function's environments: where the scheduler puts a
  // runnable thread decides how much of a CPU it gets.
  const Burst free = spin(burst_ms_);
  if (free.wall_ms > 0) reading.availability = std::clamp(free.cpu_ms / free.wall_ms, 0.01, 1.0);
  if (free.cpu_ms > 0) rates.unpinned = free.work / free.cpu_ms;
  rates.pinned = pinned_rates(burst_ms_);
  reading.speed = baseline_.speed(rates);
  return reading;
}

}  // namespace sweetspot::tuner
