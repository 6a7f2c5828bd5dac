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

// Whether the CPU times rise or fall with memory across the sizes' order:
// Kendall's S (concordant minus discordant pairs) beyond 1.96 of its standard
// deviation under no trend, sqrt(n (n - 1) (2n + 5) / 18). The host's fast and
// slow stretches last seconds, and the search measures its first sizes (1,769
// and 3,538 MB) together before the others: where a stretch changed between
// them, the two largest sizes lie a third off the rest, which a least-squares
// slope takes for a trend (their leverage is the largest), and the sizes were
// compared as measured: 5 of 80 runs of image-python picked 1,322-1,769 MB
// measured in a fast stretch, 4-18% dearer than the best (bench/README.md,
// session 13). A trend in the work holds across the sizes' order; a stretch
// between two groups of them moves few of their pairs.
bool monotone_trend(const std::vector<Point>& points) {
  const double n = static_cast<double>(points.size());
  double s = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    for (size_t j = i + 1; j < points.size(); ++j) {
      const double dx = points[j].x - points[i].x, dy = points[j].y - points[i].y;
      s += ((dx > 0) - (dx < 0)) * ((dy > 0) - (dy < 0));  // +1 concordant, -1 discordant, 0 tied
    }
  }
  return std::abs(s) > 1.96 * std::sqrt(n * (n - 1) * (2 * n + 5) / 18);
}

// The level of the CPU times (their mean, in logs), or nothing where they have
// a trend with memory (the least-squares slope told apart from none, Student's
// t 95%, and a monotone one, monotone_trend): work that grows or shrinks with
// memory (a heap scanned in proportion to its size, a collector easing off) is
// not the same work at another speed.
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
  if (std::abs(slope) > student_t95(static_cast<int>(points.size()) - 2) * standard_error && monotone_trend(points)) {
    return std::nullopt;
  }
  return my;
}

// The CPU the size had: what the host gave it, as the model takes it.
double share_of(const SizeResult& s) { return to_model_point(s).cpus; }

// The part of the size's typical duration that its CPU time accounts for: CPU
// time at its share of a vCPU (serial work; all of the duration where that is
// longer, as under a quota that the invoke's start in its period made generous).
double cpu_part_ms(double duration_ms, double cpu_ms, double share) {
  return std::min(duration_ms, cpu_ms / std::min(share, 1.0));
}
double cpu_part_ms(const SizeResult& s) {
  return cpu_part_ms(s.typical_duration_ms, s.cpu_time_ms.trimmed_mean, share_of(s));
}

// What a duration is multiplied by when its CPU part runs at `typical` CPU time.
double level_factor(double duration_ms, double cpu_ms, double share, double typical) {
  const double work = cpu_part_ms(duration_ms, cpu_ms, share);
  return (duration_ms - work + work * typical / cpu_ms) / duration_ms;
}

void scale(Summary& s, double factor) {
  for (double* v : {&s.mean, &s.trimmed_mean, &s.min, &s.max, &s.p5, &s.p50, &s.p90, &s.p95, &s.p99, &s.stddev,
                    &s.ci95_low, &s.ci95_high}) {
    *v *= factor;
  }
}

// Each steady invoke's CPU part at the level, where the size has its samples:
// the host's fast stretches come and go within a size's invokes (session 12),
// and its billed durations then spread 10-14% an invoke on image-python, of
// which 2-5.5% is left once each invoke's CPU time is held at one speed
// (bench/README.md, session 13). So the size's spread, and the margins the
// search and the tie rule take from it, are what holds at the level, not what
// the stretches added. False (nothing changed) without such samples.
bool level_each_invoke(SizeResult& s, double typical) {
  const auto& samples = s.steady_samples;
  if (samples.empty() || static_cast<int>(samples.size()) != s.steady_billed_ms.count) return false;
  if (std::any_of(samples.begin(), samples.end(),
                  [](const SizeResult::SteadySample& x) { return x.cpu_ms <= 0 || x.duration_ms <= 0; })) {
    return false;
  }
  const double share = share_of(s);
  std::vector<double> durations, billed;
  std::vector<SizeResult::SteadySample> leveled;
  for (const auto& x : samples) {
    const double factor = level_factor(x.duration_ms, x.cpu_ms, share, typical);
    leveled.push_back({x.duration_ms * factor, x.billed_ms * factor, typical});
    durations.push_back(leveled.back().duration_ms);
    billed.push_back(leveled.back().billed_ms);
  }
  s.typical_duration_ms = summarize(durations, s.discard_top_bottom).trimmed_mean;
  s.steady_billed_ms = summarize(billed, s.discard_top_bottom);
  s.cpu_time_ms = summarize(std::vector<double>(samples.size(), typical), s.discard_top_bottom);
  s.steady_samples = std::move(leveled);
  s.spread_at_level = true;
  return true;
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
  const double spread = std::log(kSpeedSpread);
  if (points.size() < kMinSizes) return out;
  std::vector<double> ys;
  for (const auto& p : points) ys.push_back(p.y);
  std::nth_element(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(ys.size() / 2), ys.end());
  const double median = ys[ys.size() / 2];
  std::optional<double> level = median;
  for (int pass = 0; pass < 2; ++pass) {
    std::erase_if(points, [&](const Point& p) { return std::abs(p.y - *level) > spread; });
    if (points.size() < kMinSizes) return out;
    level = level_of(points);
    if (!level) return out;
  }
  const double typical = std::exp(*level);
  for (const auto& p : points) {
    SizeResult& s = out.sizes[p.index];
    const double cpu = s.cpu_time_ms.trimmed_mean;
    const double d = s.typical_duration_ms;
    double factor = 1;
    if (level_each_invoke(s, typical)) {
      factor = s.typical_duration_ms / d;
    } else {
      factor = level_factor(d, cpu, share_of(s), typical);
      s.typical_duration_ms *= factor;
      scale(s.steady_billed_ms, factor);
      scale(s.cpu_time_ms, typical / cpu);
    }
    s.latency_ms *= factor;
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
