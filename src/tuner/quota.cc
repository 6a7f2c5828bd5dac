#include "tuner/quota.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sweetspot::tuner {

namespace {

// Wall time of the work when it starts `phase_ms` into a period with the whole
// quota unused: it runs until the quota or the period ends, waits for the next
// period, and finishes in the period where its remaining work fits the quota.
double duration_from_phase(double cpu_ms, double quota_ms, double period_ms, double phase_ms) {
  const double first_period = period_ms - phase_ms;
  const double first_work = std::min(quota_ms, first_period);
  if (cpu_ms <= first_work) return cpu_ms;
  const double rest = cpu_ms - first_work;
  const double full_periods = std::ceil(rest / quota_ms) - 1;  // the last one runs (0, quota] and stops
  return first_period + full_periods * period_ms + (rest - full_periods * quota_ms);
}

}  // namespace

double expected_quota_duration_ms(double cpu_ms, double cpu_share, double period_ms) {
  if (cpu_ms <= 0) return 0;
  if (cpu_share <= 0) return std::numeric_limits<double>::infinity();
  if (cpu_share >= 1) return cpu_ms;  // one thread never uses more than its quota
  if (period_ms <= 0) return cpu_ms / cpu_share;
  // Averaged numerically, not in closed form: the duration is piecewise linear
  // in the phase with a jump wherever the work left after the first period
  // crosses a whole number of quotas, and a closed form needs a case for each.
  // A midpoint sum over 2,000 phases is off by at most period / 2,000 per jump
  // (0.01 ms at 20 ms; there is at most one) and stays easy to check.
  constexpr int kPhases = 2000;
  const double quota_ms = cpu_share * period_ms;
  const double step = period_ms / kPhases;
  double sum = 0;
  for (int i = 0; i < kPhases; ++i) sum += duration_from_phase(cpu_ms, quota_ms, period_ms, (i + 0.5) * step);
  return sum / kPhases;
}

}  // namespace sweetspot::tuner
