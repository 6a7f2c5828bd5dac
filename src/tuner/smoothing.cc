#include "tuner/smoothing.h"

#include <boost/math/distributions/fisher_f.hpp>

#include <algorithm>
#include <cmath>

#include "tuner/search.h"
#include "tuner/statistics.h"

namespace sweetspot::tuner {

namespace {

// The pool over the sizes `in` takes (all of them without a filter).
template <typename Filter>
PooledNoise pool_of(const std::vector<SizeResult>& sizes, Filter in) {
  double squares = 0;
  int df = 0;
  for (const auto& s : sizes) {
    const Summary& b = s.steady_billed_ms;
    if (!in(s) || !s.feasible || b.count < 2 || b.mean <= 0) continue;
    const double relative = b.stddev / b.mean;
    squares += (b.count - 1) * relative * relative;
    df += b.count - 1;
  }
  return PooledNoise{df > 0 ? std::sqrt(squares / df) : 0, df};
}

}  // namespace

PooledNoise pooled_noise(const std::vector<SizeResult>& sizes) {
  return pool_of(sizes, [](const SizeResult&) { return true; });
}

PooledNoise pooled_noise_of(const SizeResult& size, const std::vector<SizeResult>& sizes) {
  const bool leveled_size = size.spread_at_level;
  const PooledNoise own = pool_of(sizes, [&](const SizeResult& s) { return s.spread_at_level == leveled_size; });
  const PooledNoise other = pool_of(sizes, [&](const SizeResult& s) { return s.spread_at_level != leveled_size; });
  const PooledNoise all = pooled_noise(sizes);
  if (own.degrees < 1 || other.degrees < 1) return own.degrees < 1 ? all : own;
  // Pooled apart only where leveling narrowed the spread beyond what sampling
  // gives (the others' variance over the leveled sizes' beyond F's 95%
  // quantile): where the two are alike, two pools only add the noise of
  // estimating each (one-sided: leveling removes a part of the spread, never adds).
  const PooledNoise& leveled = size.spread_at_level ? own : other;
  const PooledNoise& measured = size.spread_at_level ? other : own;
  if (leveled.relative <= 0) return own;
  const double ratio = measured.relative * measured.relative / (leveled.relative * leveled.relative);
  const double limit = boost::math::quantile(boost::math::complement(
      boost::math::fisher_f_distribution<double>(measured.degrees, leveled.degrees), 0.05));
  return ratio > limit ? own : all;
}

namespace {

struct FitPoint {
  int memory_mb;
  double duration, parallel_ms, serial_gain, samples;
  double cpu_error;     // standard error of the CPU time, as a share of it
  double cpu_ms;        // CPU time per invoke
  bool below_one_vcpu;  // the quota holds it to less than one vCPU
  double noise;         // relative spread of one of its samples (pooled_noise_of)
};

// Least-squares weight: relative residuals, each in its size's standard error.
double weight(const FitPoint& p) { return p.samples / (p.duration * p.duration * p.noise * p.noise); }

// One form fitted to the points: each point's fitted duration and the variance
// of its parameters' part (before the misfit's scaling).
struct FormFit {
  SizesFit::Form form = SizesFit::Form::kWaitAdded;
  double wait_ms = 0, serial = 1, throttled_factor = 1;
  std::vector<double> fitted, parameter_variance;
  std::vector<double> cpu_part;  // the part of each fitted duration its CPU time drives
  int dof = 0;
  double misfit = 0;
};

// Weighted least squares of duration = wait + base + serial x gain over the
// chosen points (weight()), with serial held in [0, 1].
struct WaitSerial {
  double wait = 0, serial = 1, c00 = 0, c01 = 0, c11 = 0;
  bool serial_fitted = false;
  int parameters = 0;
};
WaitSerial fit_wait_serial(const std::vector<FitPoint>& points, const std::vector<double>& base,
                           const std::vector<bool>& chosen) {
  double s0 = 0, s1 = 0, s2 = 0, ty = 0, tay = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!chosen[i]) continue;
    const FitPoint& p = points[i];
    const double w = weight(p);
    const double y = p.duration - base[i];
    s0 += w;
    s1 += w * p.serial_gain;
    s2 += w * p.serial_gain * p.serial_gain;
    ty += w * y;
    tay += w * p.serial_gain * y;
  }
  WaitSerial f;
  if (s0 <= 0) return f;
  f.c00 = 1 / s0;
  const double det = s0 * s2 - s1 * s1;
  if (det > 1e-12 * s0 * s2 && s2 > 0) {
    f.serial = (s0 * tay - s1 * ty) / det;
    f.wait = (s2 * ty - s1 * tay) / det;
    f.serial_fitted = f.serial >= 0 && f.serial <= 1;
    if (f.serial_fitted) f.c00 = s2 / det, f.c01 = -s1 / det, f.c11 = s0 / det;
  }
  if (!f.serial_fitted) {  // nothing above one vCPU, or a fraction outside [0, 1]: held at its bound
    f.serial = std::clamp(f.serial, 0.0, 1.0);
    if (s2 <= 0) f.serial = 1;
    f.wait = (ty - f.serial * s1) / s0;
  }
  f.parameters = f.serial_fitted ? 2 : 1;
  return f;
}

// A point fitted as wait + base + serial x gain: its fitted duration, its
// parameters' variance and its CPU-driven part.
void add_wait_added(FormFit& f, const WaitSerial& ws, double base, double gain) {
  f.fitted.push_back(ws.wait + base + ws.serial * gain);
  f.parameter_variance.push_back(ws.c00 + 2 * gain * ws.c01 + gain * gain * ws.c11);
  f.cpu_part.push_back(base + ws.serial * gain);
}

double misfit_of(const std::vector<FitPoint>& points, const std::vector<double>& fitted, int dof) {
  double squares = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const FitPoint& p = points[i];
    // Residual in standard errors of this size's mean.
    const double z = (p.duration - fitted[i]) / (p.duration * p.noise / std::sqrt(p.samples));
    squares += z * z;
  }
  return squares / dof;
}

// duration = wait + CPU time x work factor at every size.
std::optional<FormFit> fit_wait_added(const std::vector<FitPoint>& points) {
  const std::vector<double> base = [&] {
    std::vector<double> b;
    for (const auto& p : points) b.push_back(p.parallel_ms);
    return b;
  }();
  const WaitSerial ws = fit_wait_serial(points, base, std::vector<bool>(points.size(), true));
  FormFit f;
  f.wait_ms = ws.wait;
  f.serial = ws.serial;
  f.dof = static_cast<int>(points.size()) - ws.parameters;
  if (f.dof < 1) return std::nullopt;
  for (size_t i = 0; i < points.size(); ++i) {
    add_wait_added(f, ws, base[i], points[i].serial_gain);
    if (f.fitted.back() <= 0) return std::nullopt;
  }
  f.misfit = misfit_of(points, f.fitted, f.dof);
  return f;
}

// Below one vCPU the quota holds the function back for most of each 20 ms
// period, and a short wait (a request to S3) passes in time it would have
// spent held back anyway: measured on examples/image-python with sizes
// interleaved, 30 invokes each, the duration below one vCPU was 0.94-0.96 of
// CPU time / share (what the quota lets through, a little more where its
// enforcement overruns), never that plus the 8.6 ms it waited at one vCPU
// (bench/README.md, session 12). So below one vCPU the duration is the larger
// of the throttled time (factor x CPU time / share, one factor for all such
// sizes) and the time it would take unthrottled (wait + CPU time); from one
// vCPU up, wait + CPU time x work factor as in the other form. Which sizes are
// throttled-bound depends on the parameters: classified, fitted, reclassified
// until it settles.
std::optional<FormFit> fit_wait_hidden(const std::vector<FitPoint>& points) {
  std::vector<double> base;
  std::vector<bool> throttled;
  for (const auto& p : points) {
    base.push_back(p.below_one_vcpu ? p.cpu_ms : p.parallel_ms);
    throttled.push_back(p.below_one_vcpu);
  }
  if (std::none_of(throttled.begin(), throttled.end(), [](bool t) { return t; })) return std::nullopt;
  FormFit f;
  f.form = SizesFit::Form::kWaitHidden;
  WaitSerial ws;
  double skk = 0;
  bool settled = false;
  for (int round = 0; round < 8 && !settled; ++round) {
    std::vector<bool> path(points.size());
    double sqq = 0, sqy = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      path[i] = !throttled[i];
      if (!throttled[i]) continue;
      const FitPoint& p = points[i];
      const double w = weight(p);
      sqq += w * p.parallel_ms * p.parallel_ms;
      sqy += w * p.parallel_ms * p.duration;
    }
    f.throttled_factor = sqq > 0 ? std::clamp(sqy / sqq, 0.5, 1.5) : 1;
    skk = sqq;
    ws = fit_wait_serial(points, base, path);  // the empty fit where every size is held back
    settled = true;
    for (size_t i = 0; i < points.size(); ++i) {
      if (!points[i].below_one_vcpu) continue;
      const bool now = f.throttled_factor * points[i].parallel_ms >= std::max(0.0, ws.wait) + base[i];
      settled = settled && now == throttled[i];
      throttled[i] = now;
    }
  }
  if (!settled) return std::nullopt;  // sizes that change sides with every fit: no fit of this form
  const bool any_throttled = std::any_of(throttled.begin(), throttled.end(), [](bool t) { return t; });
  const bool any_path = std::any_of(throttled.begin(), throttled.end(), [](bool t) { return !t; });
  if (!any_throttled) return std::nullopt;  // the other form then
  f.wait_ms = any_path ? ws.wait : 0;
  f.serial = any_path ? ws.serial : 1;
  f.dof = static_cast<int>(points.size()) - 1 - (any_path ? ws.parameters : 0);
  if (f.dof < 1) return std::nullopt;
  for (size_t i = 0; i < points.size(); ++i) {
    const FitPoint& p = points[i];
    if (throttled[i]) {
      f.fitted.push_back(f.throttled_factor * p.parallel_ms);
      f.parameter_variance.push_back(skk > 0 ? p.parallel_ms * p.parallel_ms / skk : 0);
      f.cpu_part.push_back(f.fitted.back());
    } else {
      add_wait_added(f, ws, base[i], p.serial_gain);
    }
    if (f.fitted.back() <= 0) return std::nullopt;
  }
  f.misfit = misfit_of(points, f.fitted, f.dof);
  return f;
}

}  // namespace

std::optional<SizesFit> fit_sizes(const std::vector<SizeResult>& sizes) {
  // duration = wait + cpu / min(share, cores) + serial x cpu x (1 / min(share, 1) - 1 / min(share, cores)):
  // linear in (wait, serial); `parallel_ms` is the second term, `serial_gain` the
  // third's factor (0 up to one vCPU, where serial and parallel work run alike).
  std::vector<FitPoint> points;
  bool noiseless = false;
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
    const double own_noise = pooled_noise_of(s, sizes).relative;
    noiseless = noiseless || own_noise <= 0;
    points.push_back(FitPoint{s.memory_mb, p.duration_ms, p.cpu_ms / all, p.cpu_ms * (1 / one - 1 / all),
                              static_cast<double>(n), cpu_error, p.cpu_ms, p.cpus < 1, own_noise});
  }
  const PooledNoise noise = pooled_noise(sizes);
  if (points.size() < 3 || noise.degrees < 1 || noiseless) return std::nullopt;

  // Each form against the noise measured within the sizes (an F test); the
  // hidden form replaces the added one only on the terms below.
  std::optional<FormFit> chosen;
  double limit = 0;
  for (auto form : {fit_wait_added(points), fit_wait_hidden(points)}) {
    if (!form) continue;
    const double form_limit = boost::math::quantile(
        boost::math::complement(boost::math::fisher_f_distribution<double>(form->dof, noise.degrees), 0.05));
    if (form->misfit > form_limit) continue;
    // The hidden form spends a parameter more (its factor), and where waits
    // add (one long call) it fits their noise at times: it replaces the other
    // form only where it explains the sizes by more than one parameter more
    // explains noise (the squared residuals fall by more than the 95% quantile
    // of F(1, noise degrees); image-python: by 7-23).
    if (chosen) {
      const double gain = chosen->misfit * chosen->dof - form->misfit * form->dof;
      const double needed = boost::math::quantile(
          boost::math::complement(boost::math::fisher_f_distribution<double>(1, noise.degrees), 0.05));
      if (gain <= needed) continue;
    }
    chosen = std::move(form);
    limit = form_limit;
  }
  if (!chosen) return std::nullopt;
  SizesFit fit;
  fit.form = chosen->form;
  fit.wait_ms = chosen->wait_ms;
  fit.serial = chosen->serial;
  fit.throttled_factor = chosen->throttled_factor;
  fit.noise = noise.relative;
  fit.misfit = chosen->misfit;
  fit.limit = limit;
  // Each fitted duration's variance: the parameters' (scaled up by the misfit
  // when the sizes scatter more than their own noise says), its CPU time's, and
  // an allowance for the form itself (tau): the measurement and the fit are then
  // blended by their precision, so the fit leads where a size has few samples
  // and the size's own mean where it has many.
  const double scale = std::max(1.0, fit.misfit);
  const double tau = kFormAllowance;
  const double t = student_t95(noise.degrees);
  for (size_t i = 0; i < points.size(); ++i) {
    const FitPoint& p = points[i];
    FittedDuration f{p.memory_mb, p.duration, chosen->fitted[i]};
    const double parameters = scale * chosen->parameter_variance[i];
    const double cpu = p.cpu_error * chosen->cpu_part[i];
    const double fit_var = (parameters + cpu * cpu) / (f.fitted_ms * f.fitted_ms) + tau * tau;
    const double own_var = p.noise * p.noise / p.samples;
    const double w = own_var / (own_var + fit_var);
    f.compared_ms = f.fitted_ms * w + f.measured_ms * (1 - w);
    f.margin = t * std::sqrt(own_var * fit_var / (own_var + fit_var));
    fit.sizes.push_back(f);
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
