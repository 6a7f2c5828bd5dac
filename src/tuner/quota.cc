#include "tuner/quota.h"

#include <cmath>
#include <limits>

namespace sweetspot::tuner {

// In closed form: exact, and cheap enough to price every size of a search with
// (a numeric average over 2,000 start phases made auto_search_bench 5x slower
// when the model tried it, bench/README.md session 9). With
// quota q = share x period P and work c > q, an invoke starting with u of the
// period left:
//   u >= q: it runs q, waits out the period (u - q) and then waits P - q in each
//           later period but its last, ceil(c/q) - 2 of them: on average over
//           u in [q, P], c + (P - q) / 2 + (ceil(c/q) - 2)(P - q);
//   u < q:  it runs to the period's end unthrottled and then needs
//           ceil((c - u)/q) - 1 waits of P - q, on average over u in [0, q)
//           c/q - 1 of them: c + (c/q - 1)(P - q).
// A start phase uniform over the period weighs them (P - q)/P and q/P.
double expected_quota_duration_ms(double cpu_ms, double cpu_share, double period_ms) {
  if (cpu_ms <= 0) return 0;
  if (cpu_share <= 0) return std::numeric_limits<double>::infinity();
  if (cpu_share >= 1) return cpu_ms;  // one thread never uses more than its quota
  if (period_ms <= 0) return cpu_ms / cpu_share;
  const double quota_ms = cpu_share * period_ms;
  if (cpu_ms <= quota_ms) return cpu_ms;  // never runs out of quota
  const double idle_ms = period_ms - quota_ms;
  const double quotas = cpu_ms / quota_ms;
  const double waits_from_full_quota = 0.5 + (std::ceil(quotas) - 2);
  const double waits_from_period_end = quotas - 1;
  return cpu_ms + idle_ms * ((idle_ms / period_ms) * waits_from_full_quota + (quota_ms / period_ms) * waits_from_period_end);
}

}  // namespace sweetspot::tuner
