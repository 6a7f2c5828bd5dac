#include "tuner/statistics.h"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sweetspot::tuner {

double trimmed_mean(std::vector<double> samples, double discard_top_bottom) {
  if (samples.empty()) return 0;
  const double fraction = std::clamp(discard_top_bottom, 0.0, 0.4);
  const size_t drop = static_cast<size_t>(std::floor(static_cast<double>(samples.size()) * fraction));
  std::sort(samples.begin(), samples.end());
  const auto first = samples.begin() + static_cast<std::ptrdiff_t>(drop);
  const auto last = samples.end() - static_cast<std::ptrdiff_t>(drop);
  return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
}

double percentile_of_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double weight = rank - static_cast<double>(below);
  return sorted[below] + weight * (sorted[above] - sorted[below]);
}

double student_t95(int df) {
  if (df <= 0) return 0;
  return boost::math::quantile(boost::math::complement(boost::math::students_t_distribution<double>(df), 0.025));
}

Summary summarize(std::vector<double> samples, double discard_top_bottom) {
  Summary s;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  s.count = static_cast<int>(samples.size());
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
  s.trimmed_mean = trimmed_mean(samples, discard_top_bottom);
  s.min = samples.front();
  s.max = samples.back();
  s.p5 = percentile_of_sorted(samples, 5);
  s.p50 = percentile_of_sorted(samples, 50);
  s.p90 = percentile_of_sorted(samples, 90);
  s.p95 = percentile_of_sorted(samples, 95);
  s.p99 = percentile_of_sorted(samples, 99);
  s.ci95_low = s.ci95_high = s.mean;
  if (samples.size() >= 2) {
    double squares = 0;
    for (double x : samples) squares += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(squares / (n - 1));
    const double half_width = student_t95(s.count - 1) * s.stddev / std::sqrt(n);
    s.ci95_low = s.mean - half_width;
    s.ci95_high = s.mean + half_width;
  }
  return s;
}

}  // namespace sweetspot::tuner
