#include "tuner/host_probe.h"

#include <time.h>

#include <algorithm>
#include <cmath>

namespace sweetspot::tuner {

namespace {

double now_ms(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

double CpuBurstProbe::availability() {
  const double wall_start = now_ms(CLOCK_MONOTONIC);
  const double cpu_start = now_ms(CLOCK_THREAD_CPUTIME_ID);
  // Work the optimiser cannot remove; reading the thread's CPU clock every
  // few thousand steps keeps the probe's own overhead small.
  volatile double sink = 1;
  double cpu = 0;
  while (true) {
    double x = sink;
    for (int i = 0; i < 4096; ++i) x = std::sqrt(x * 1.0000001 + 1);
    sink = x;
    cpu = now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    if (cpu >= burst_ms_) break;
  }
  const double wall = now_ms(CLOCK_MONOTONIC) - wall_start;
  return wall > 0 ? std::clamp(cpu / wall, 0.01, 1.0) : 1.0;
}

}  // namespace sweetspot::tuner
