#include "tuner/environment_speed.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>

#include "tuner/search.h"
#include "tuner/statistics.h"

namespace sweetspot::tuner {

namespace {

// Fewer sizes cannot tell a trend from environments (a line through three has
// one degree of freedom: heap-scan's growing work passed for a level).
constexpr size_t kMinSizes = 4;

struct Point {
  size_t index;  // into the sizes
  double x, y;   // log memory, log CPU time per steady invoke
};

// The level of the CPU times (their mean, in logs), or nothing where they have
// a trend with memory (the least-squares slope told apart from none, Student's
// t 95%): work that grows or shrinks with memory (a heap scanned in proportion
// to its size, a collector easing off) is not the same work at another speed.
std::optional<double> level_of(const std::vector<Point>& points) {
  const double n = static_cast<double>(points.size());
  double mx = 0, my = 0;
  for (const auto& p : points) mx += p.x, my += p.y;
  mx /= n;
  my /= n;
  double sxx = 0, sxy = 0;
  for (const auto& p : points) sxx += (p.x - mx) * (p.x - mx), sxy += (p.x - mx) * (p.y - my);
  if (points.size() < 3 || sxx <= 0) return my;
  const double slope = sxy / sxx;
  double residuals = 0;
  for (const auto& p : points) residuals += std::pow(p.y - my - slope * (p.x - mx), 2);
  const double standard_error = std::sqrt(residuals / (n - 2) / sxx);
  if (std::abs(slope) > student_t95(static_cast<int>(points.size()) - 2) * standard_error) return std::nullopt;
  return my;
}

// The CPU the size had: what the host gave it, as the model takes it.
double share_of(const SizeResult& s) { return to_model_point(s).cpus; }

// The part of the size's typical duration that its CPU time accounts for: CPU
// time at its share of a vCPU (serial work; all of the duration where that is
// longer, as under a quota that the invoke's start in its period made generous).
double cpu_part_ms(const SizeResult& s) {
  return std::min(s.typical_duration_ms, s.cpu_time_ms.trimmed_mean / std::min(share_of(s), 1.0));
}

void scale(Summary& s, double factor) {
  for (double* v : {&s.mean, &s.trimmed_mean, &s.min, &s.max, &s.p5, &s.p50, &s.p90, &s.p95, &s.p99, &s.stddev,
                    &s.ci95_low, &s.ci95_high}) {
    *v *= factor;
  }
}

}  // namespace

TypicalSpeed at_typical_speed(const std::vector<SizeResult>& sizes, const Prices& prices, int tmp_mb) {
  TypicalSpeed out{sizes, {}};
  std::vector<Point> points;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const SizeResult& s = sizes[i];
    // A size the host disturbed already says so; its CPU time is no evidence of its environment.
    if (!s.feasible || !s.trusted || s.cpu_time_ms.count < 1 || s.cpu_time_ms.trimmed_mean <= 0 ||
        s.typical_duration_ms <= 0 || share_of(s) < kThrottledShare) {
      continue;
    }
    points.push_back(Point{i, std::log(static_cast<double>(s.memory_mb)), std::log(s.cpu_time_ms.trimmed_mean)});
  }
  // Sizes that did other work leave first by their distance from the median (a
  // mean would move towards a collector's 5x), then from the level of the rest.
  const double above = std::log(kSpeedSpread), below = std::log(kFastStretchSpread);
  if (points.size() < kMinSizes) return out;
  std::vector<double> ys;
  for (const auto& p : points) ys.push_back(p.y);
  std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(ys.size() / 2), ys.end());
  const double median = ys[ys.size() / 2];
  std::optional<double> level = median;
  for (int pass = 0; pass < 2; ++pass) {
    std::erase_if(points, [&](const Point& p) { return p.y - *level > above || *level - p.y > below; });
    if (points.size() < kMinSizes) return out;
    level = level_of(points);
    if (!level) return out;
  }
  const double typical = std::exp(*level);
  for (const auto& p : points) {
    SizeResult& s = out.sizes[p.index];
    const double cpu = s.cpu_time_ms.trimmed_mean;
    const double d = s.typical_duration_ms;
    const double work = cpu_part_ms(s);
    const double factor = (d - work + work * typical / cpu) / d;
    s.typical_duration_ms *= factor;
    s.latency_ms *= factor;
    scale(s.steady_billed_ms, factor);
    scale(s.cpu_time_ms, typical / cpu);
    s.cost = invocation_cost(prices, s.memory_mb, s.steady_billed_ms.trimmed_mean, tmp_mb);
    out.adjustments.push_back(SpeedAdjustment{s.memory_mb, cpu, typical, factor});
  }
  std::sort(out.adjustments.begin(), out.adjustments.end(),
            [](const SpeedAdjustment& a, const SpeedAdjustment& b) { return a.memory_mb < b.memory_mb; });
  return out;
}

std::vector<int> rivals_within_environment_reach(const std::vector<SizeResult>& sizes, const SizeResult& pick) {
  std::vector<int> rivals;
  const double share = share_of(pick);
  const double cost = pick.cost.total();
  if (!pick.feasible || share <= 0 || share >= kThrottledShare || pick.typical_duration_ms <= 0 ||
      pick.cpu_time_ms.trimmed_mean <= 0 || cost <= 0) {
    return rivals;
  }
  const double reach = kEnvironmentReach * cpu_part_ms(pick) / pick.typical_duration_ms;
  for (const auto& s : sizes) {
    if (s.feasible && s.memory_mb != pick.memory_mb && s.cost.total() <= cost * (1 + reach)) {
      rivals.push_back(s.memory_mb);
    }
  }
  return rivals;
}

}  // namespace sweetspot::tuner
