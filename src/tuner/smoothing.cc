#include "tuner/smoothing.h"

#include <boost/math/distributions/fisher_f.hpp>

#include <algorithm>
#include <cmath>

#include "tuner/search.h"
#include "tuner/statistics.h"

namespace sweetspot::tuner {

PooledNoise pooled_noise(const std::vector<SizeResult>& sizes) {
  double squares = 0;
  int df = 0;
  for (const auto& s : sizes) {
    const Summary& b = s.steady_billed_ms;
    if (!s.feasible || b.count < 2 || b.mean <= 0) continue;
    const double relative = b.stddev / b.mean;
    squares += (b.count - 1) * relative * relative;
    df += b.count - 1;
  }
  return PooledNoise{df > 0 ? std::sqrt(squares / df) : 0, df};
}

std::optional<SizesFit> fit_sizes(const std::vector<SizeResult>& sizes) {
  // duration = wait + cpu / min(share, cores) + serial x cpu x (1 / min(share, 1) - 1 / min(share, cores)):
  // linear in (wait, serial); `parallel_ms` is the second term, `serial_gain` the
  // third's factor (0 up to one vCPU, where serial and parallel work run alike).
  struct Point {
    int memory_mb;
    double duration, parallel_ms, serial_gain, samples;
    double cpu_error;  // standard error of the CPU time, as a share of it
  };
  std::vector<Point> points;
  for (const auto& s : sizes) {
    if (!s.feasible) continue;
    // A size the host disturbed is no evidence of the function's form.
    if (!s.trusted) return std::nullopt;
    const int n = s.steady_billed_ms.count;
    if (n < 1 || s.typical_duration_ms <= 0) continue;
    const ModelPoint p = to_model_point(s);
    const double one = std::min(p.cpus, 1.0), all = std::min(p.cpus, static_cast<double>(p.cores));
    const Summary& cpu = s.cpu_time_ms;
    const double cpu_error = cpu.count >= 2 && cpu.mean > 0 ? cpu.stddev / std::sqrt(cpu.count) / cpu.mean : 0;
    points.push_back(Point{s.memory_mb, p.duration_ms, p.cpu_ms / all, p.cpu_ms * (1 / one - 1 / all),
                           static_cast<double>(n), cpu_error});
  }
  const PooledNoise noise = pooled_noise(sizes);
  if (points.size() < 3 || noise.degrees < 1 || noise.relative <= 0) return std::nullopt;

  // Least relative squares, each size weighted by its samples: w = n / d^2, so
  // every residual has variance noise^2 / w.
  double s0 = 0, s1 = 0, s2 = 0, ty = 0, tay = 0;
  for (const auto& p : points) {
    const double w = p.samples / (p.duration * p.duration);
    const double y = p.duration - p.parallel_ms;
    s0 += w;
    s1 += w * p.serial_gain;
    s2 += w * p.serial_gain * p.serial_gain;
    ty += w * y;
    tay += w * p.serial_gain * y;
  }
  SizesFit fit;
  fit.noise = noise.relative;
  // Covariance of (wait, serial) over noise^2: the inverse of the weighted normal matrix.
  double c00 = 1 / s0, c01 = 0, c11 = 0;
  const double det = s0 * s2 - s1 * s1;
  bool serial_fitted = false;
  if (det > 1e-12 * s0 * s2 && s2 > 0) {
    fit.serial = (s0 * tay - s1 * ty) / det;
    fit.wait_ms = (s2 * ty - s1 * tay) / det;
    serial_fitted = fit.serial >= 0 && fit.serial <= 1;
    if (serial_fitted) c00 = s2 / det, c01 = -s1 / det, c11 = s0 / det;
  }
  if (!serial_fitted) {  // nothing above one vCPU, or a fraction outside [0, 1]: held at its bound
    fit.serial = std::clamp(fit.serial, 0.0, 1.0);
    if (s2 <= 0) fit.serial = 1;
    fit.wait_ms = (ty - fit.serial * s1) / s0;
  }
  const int dof = static_cast<int>(points.size()) - (serial_fitted ? 2 : 1);
  if (dof < 1) return std::nullopt;
  double squares = 0;
  for (const auto& p : points) {
    const double fitted = fit.wait_ms + p.parallel_ms + fit.serial * p.serial_gain;
    if (fitted <= 0) return std::nullopt;
    // Residual in standard errors of this size's mean.
    const double z = (p.duration - fitted) / (p.duration * noise.relative / std::sqrt(p.samples));
    squares += z * z;
    fit.sizes.push_back(FittedDuration{p.memory_mb, p.duration, fitted});
  }
  fit.misfit = squares / dof;
  fit.limit = boost::math::quantile(
      boost::math::complement(boost::math::fisher_f_distribution<double>(dof, noise.degrees), 0.05));
  if (fit.misfit > fit.limit) return std::nullopt;
  // Each fitted duration's variance: the parameters' (scaled up by the misfit
  // when the sizes scatter more than their own noise says), its CPU time's, and
  // an allowance for the form itself (tau): the measurement and the fit are then
  // blended by their precision, so the fit leads where a size has few samples
  // and the size's own mean where it has many.
  const double scale = noise.relative * noise.relative * std::max(1.0, fit.misfit);
  const double tau = kFormAllowance;
  const double t = student_t95(noise.degrees);
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    FittedDuration& f = fit.sizes[i];
    const double a = p.serial_gain;
    const double parameters = scale * (c00 + 2 * a * c01 + a * a * c11);
    const double cpu = p.cpu_error * (p.parallel_ms + fit.serial * a);
    const double fit_var = (parameters + cpu * cpu) / (f.fitted_ms * f.fitted_ms) + tau * tau;
    const double own_var = noise.relative * noise.relative / p.samples;
    const double w = own_var / (own_var + fit_var);
    f.compared_ms = f.fitted_ms * w + f.measured_ms * (1 - w);
    f.margin = t * std::sqrt(own_var * fit_var / (own_var + fit_var));
  }
  return fit;
}

std::vector<SizeResult> compared_sizes(const std::vector<SizeResult>& sizes, const SizesFit* fit, const Prices& prices,
                                       int tmp_mb) {
  std::vector<SizeResult> out = sizes;
  if (!fit) return out;
  for (auto& s : out) {
    auto it = std::find_if(fit->sizes.begin(), fit->sizes.end(),
                           [&](const FittedDuration& f) { return f.memory_mb == s.memory_mb; });
    if (it == fit->sizes.end() || it->measured_ms <= 0) continue;
    const double ratio = it->compared_ms / it->measured_ms;
    s.typical_duration_ms = it->compared_ms;
    s.latency_ms *= ratio;
    s.cost = invocation_cost(prices, s.memory_mb, s.steady_billed_ms.trimmed_mean * ratio, tmp_mb);
    if (it->margin < s.duration_margin) {
      s.duration_margin = it->margin;
      const double total = s.cost.total();
      s.cost_margin = total > 0 ? it->margin * s.cost.compute / total : it->margin;
    }
  }
  return out;
}

}  // namespace sweetspot::tuner
