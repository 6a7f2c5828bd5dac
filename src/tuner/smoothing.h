// Comparing measured sizes through the model's fit, where it fits.
//
// At a few invokes per size the cheapest of several noisy means is often a lucky
// one (the winner's curse): at 15% noise per invoke, sizes 5% apart swap places.
// The model's form ties the sizes together: duration = wait + CPU time x work
// factor, with ONE wait and one serial fraction for every size (fitted by
// weighted least squares) and each size's own measured CPU time. A second form
// holds where waits are short: below one vCPU they pass in time the quota holds
// the function back anyway, so the duration there is the larger of one factor x
// CPU time / share and wait + CPU time (smoothing.cc; the first form put
// image-python's sizes below one vCPU about 10% too slow relative to the larger
// ones). It replaces the first where it explains the sizes by more than its
// extra parameter explains noise. Where a form
// explains every measured size within the run's own noise (an F test of the
// residuals against the spread within sizes), each size's duration is the
// precision-weighted blend of its own mean and the fit at that size: the fit
// leads where a size has few samples, the size's own mean where it has many.
// The recommendation is still one of the measured sizes; where the form does not
// explain them (work that changes shape with memory, a host that disturbed some
// sizes), the measurements are compared as they are.
#pragma once

#include <optional>
#include <vector>

#include "tuner/pricing.h"
#include "tuner/size_result.h"

namespace sweetspot::tuner {

struct FittedDuration {
  int memory_mb = 0;
  double measured_ms = 0;  // typical duration as measured
  double fitted_ms = 0;    // wait + CPU time x work factor at this size
  double compared_ms = 0;  // what the strategies compare: fit and measurement blended by precision
  double margin = 0;       // relative 95% half-width of compared_ms
};

// The fit's allowance for its own form: every fitted duration is taken as
// uncertain by at least this share (one standard deviation), so a size's own
// samples outweigh the fit once they pin it down better than that.
inline constexpr double kFormAllowance = 0.02;

struct SizesFit {
  // How waiting adds to the CPU part: after it at every size, or hidden below
  // one vCPU in the time the quota holds the function back (smoothing.cc).
  enum class Form { kWaitAdded, kWaitHidden };
  Form form = Form::kWaitAdded;
  double wait_ms = 0;  // the one wait of the fit
  double serial = 1;   // serial fraction of the CPU work (1 when no size above one vCPU tells it)
  // kWaitHidden: the throttled time of a size below one vCPU, as a share of
  // its CPU time / share (the quota's enforcement lets a little more through).
  double throttled_factor = 1;
  // Mean squared residual in units of each size's standard error, and the 95%
  // quantile of what noise alone gives (F with the fit's and the spread's
  // degrees of freedom): the fit is used only when misfit <= limit.
  double misfit = 0;
  double limit = 0;
  double noise = 0;  // relative spread of one steady sample, pooled over the sizes
  std::vector<FittedDuration> sizes;  // feasible sizes, by memory
};

// The pooled relative spread of one steady billed duration and its degrees of
// freedom (sum over usable sizes of samples - 1).
struct PooledNoise {
  double relative = 0;
  int degrees = 0;
};
PooledNoise pooled_noise(const std::vector<SizeResult>& sizes);

// The pooled spread `size` takes: over the sizes whose spread is like its own
// (compared invoke by invoke at the level of the CPU times, or not: the host's
// stretches spread the others' billed durations 10-14% an invoke on
// image-python, the leveled ones' 2-5.5%, bench/README.md session 13) where
// the two pools' spreads differ beyond sampling (F test, 95%); otherwise, or
// where either pool has no degree of freedom, over every size.
PooledNoise pooled_noise_of(const SizeResult& size, const std::vector<SizeResult>& sizes);

// The fit of the feasible sizes to one of the forms above, when at least three
// sizes were measured, every one of them undisturbed by the host, and the
// residuals are within the noise measured within the sizes. Otherwise nothing.
std::optional<SizesFit> fit_sizes(const std::vector<SizeResult>& sizes);

// The sizes as the strategies compare them: with a fit, each feasible size's
// typical duration is its compared_ms, and its cost that of its measured billed
// duration scaled by the same ratio (so billing's rounding stays as measured);
// its margins the blend's where narrower than its own; everything else as
// measured. Without a fit, the sizes unchanged.
std::vector<SizeResult> compared_sizes(const std::vector<SizeResult>& sizes, const SizesFit* fit, const Prices& prices,
                                       int tmp_mb);

}  // namespace sweetspot::tuner
