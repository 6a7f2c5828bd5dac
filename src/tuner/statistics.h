// Numbers that describe a set of samples (durations, CPU times) honestly: the
// mean and Power Tuning's trimmed mean side by side, percentiles, spread and a
// confidence interval, so a reader can tell a real difference from noise.
#pragma once

#include <span>
#include <vector>

namespace sweetspot::tuner {

struct Summary {
  int count = 0;
  double mean = 0;
  double trimmed_mean = 0;  // mean after discarding floor(n * F) samples at each end
  double min = 0;
  double max = 0;
  double p5 = 0;  // the lower edge of the p5-p95 band the reports draw
  double p50 = 0;
  double p90 = 0;
  double p95 = 0;
  double p99 = 0;
  double stddev = 0;     // sample standard deviation (n - 1); 0 below two samples
  double ci95_low = 0;   // 95% confidence interval of the mean (Student's t);
  double ci95_high = 0;  // equal to the mean below two samples
};

// Power Tuning's discardTopBottom: clamped to [0, 0.4], and floor(n * F) samples
// dropped from each end (its executor does parseInt(n * F)).
double trimmed_mean(std::vector<double> samples, double discard_top_bottom);

// The p-th percentile (0..100) of sorted samples by linear interpolation between
// closest ranks: rank = p/100 * (n - 1), the method of numpy's default, R's type 7
// and Excel's PERCENTILE.INC. Exact at p = 0 and p = 100.
double percentile_of_sorted(std::span<const double> sorted, double p);

// Two-sided 95% critical value of Student's t with `df` degrees of freedom
// (Boost.Math's quantile); 0 without a degree of freedom.
double student_t95(int df);

Summary summarize(std::vector<double> samples, double discard_top_bottom);

}  // namespace sweetspot::tuner
