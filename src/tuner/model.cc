#include "tuner/model.h"

// Boost 1.74's pchip.hpp calls isnan unqualified: <math.h> declares it globally.
#include <math.h>

#include <boost/math/interpolators/cubic_hermite.hpp>
#include <boost/math/interpolators/pchip.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine_api/lambda_limits.h"
#include "tuner/share_fit.h"
#include "util/strings.h"

namespace sweetspot::tuner {

const char* to_string(WorkloadKind kind) {
  switch (kind) {
    case WorkloadKind::kCpuBound: return "CPU-bound";
    case WorkloadKind::kIoBound: return "I/O-bound";
    case WorkloadKind::kMixed: return "mixed";
  }
  return "mixed";
}

double pchip(const std::vector<double>& x, const std::vector<double>& y, double at) {
  const size_t n = x.size();
  if (n == 0) return 0;
  if (n == 1 || at <= x.front()) return y.front();
  if (at >= x.back()) return y.back();
  if (n >= 4) return boost::math::interpolators::pchip(std::vector<double>(x), std::vector<double>(y))(at);
  // Boost.Math's pchip wants four points. With two or three, its slopes (the
  // secant at each end, inside the weighted harmonic mean of the neighbouring
  // secants, or 0 at a local extremum) go to its cubic Hermite.
  std::vector<double> slope(n);
  const double left = (y[1] - y[0]) / (x[1] - x[0]);
  const double right = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
  slope.front() = left;
  slope.back() = right;
  if (n == 3) {
    const double h0 = x[1] - x[0], h1 = x[2] - x[1];
    const double w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
    slope[1] = left * right <= 0 ? 0 : (w1 + w2) / (w1 / left + w2 / right);
  }
  return boost::math::interpolators::cubic_hermite(std::vector<double>(x), std::vector<double>(y), std::move(slope))(at);
}

double DurationModel::time_factor(double share, int cores) const {
  return serial_ / std::min(share, 1.0) + (1 - serial_) / std::min(share, static_cast<double>(cores));
}

util::Result<DurationModel> DurationModel::fit(std::vector<ModelPoint> points) {
  std::erase_if(points, [](const ModelPoint& p) { return p.duration_ms <= 0 || p.cpus <= 0; });
  if (points.empty()) return util::fail("no successful measurement to fit a duration model to");
  std::sort(points.begin(), points.end(), [](auto& a, auto& b) { return a.memory_mb < b.memory_mb; });
  points.erase(std::unique(points.begin(), points.end(), [](auto& a, auto& b) { return a.memory_mb == b.memory_mb; }),
               points.end());
  DurationModel model;
  model.points_ = points;
  for (const auto& p : points) {
    model.parallelism_measured_ |= std::min(p.cpus, static_cast<double>(p.cores)) > 1.05;
  }
  // Serial fraction: with the wait taken as one constant, duration is linear in
  // it; a fine grid over [0, 1] finds the least relative squared error without
  // the traps of a general optimiser. Only sizes above one vCPU move it.
  if (model.parallelism_measured_) {
    auto error_for = [&](double serial) {
      model.serial_ = serial;
      double numerator = 0, denominator = 0;
      for (const auto& p : points) {
        const double weight = 1 / (p.duration_ms * p.duration_ms);
        numerator += weight * (p.duration_ms - p.cpu_ms * model.time_factor(p.cpus, p.cores));
        denominator += weight;
      }
      const double wait = std::max(0.0, numerator / denominator);
      double error = 0;
      for (const auto& p : points) {
        const double r = (p.duration_ms - wait - p.cpu_ms * model.time_factor(p.cpus, p.cores)) / p.duration_ms;
        error += r * r;
      }
      return error;
    };
    double best_serial = 1;
    double best_error = INFINITY;
    for (int step = 200; step >= 0; --step) {  // from serial down: ties keep the simpler story
      const double error = error_for(step / 200.0);
      if (error < best_error - 1e-12) {
        best_error = error;
        best_serial = step / 200.0;
      }
    }
    model.serial_ = best_serial;
    // Parallel work must show as real speed above one vCPU: a gain under 10%
    // is within what host noise and contention produce, so it stays serial.
    double at_one = 0, fastest_above = INFINITY;
    for (const auto& p : points) {
      const double cpus = std::min(p.cpus, static_cast<double>(p.cores));
      if (cpus <= 1.05 && cpus > 0.5) at_one = p.duration_ms;
      if (cpus > 1.05) fastest_above = std::min(fastest_above, p.duration_ms);
    }
    if (model.serial_ < 0.9 && at_one > 0 && fastest_above < INFINITY && at_one < fastest_above * 1.1) {
      model.serial_ = 1;
    }
  }
  // Critical-path CPU work from the durations alone (the header comment says why).
  std::vector<ShareSample> by_share;
  double period_ms = 0;  // the longest quota period any size ran under
  for (const auto& p : points) {
    by_share.push_back({p.cpus, p.duration_ms, 1 / (p.duration_ms * p.duration_ms)});
    period_ms = std::max(period_ms, p.cpu_period_ms);
  }
  if (const auto fit = fit_share_response(by_share, ShareCap::kOneVcpu);
      fit && fit->highest_share >= fit->lowest_share * kShareSpread && fit->fixed_ms + fit->cpu_ms > 0) {
    // The most work the durations allow: the fitted slope, plus what the
    // quota's granularity may have hidden across the shares measured.
    const double allowance_ms = kThrottleAllowancePeriods * period_ms;
    const double work = fit->cpu_ms + allowance_ms / (1 / fit->lowest_share - 1 / fit->highest_share);
    model.duration_fraction_ = work / (fit->fixed_ms + fit->cpu_ms);
    model.critical_cpu_ms_ = work;
  }
  // Per size, the wall time its CPU work does not explain is waiting. It is kept
  // signed: when CPU time exceeds what the share allows in that wall time (helper
  // processes running beside the function, bursts within a quota period), the
  // negative remainder corrects the prediction there instead of being lost, so
  // the model passes through every measurement.
  for (const auto& p : points) {
    model.log_memory_.push_back(std::log(p.memory_mb));
    model.cpu_.push_back(p.cpu_ms);
    model.wait_.push_back(p.duration_ms - p.cpu_ms * model.time_factor(p.cpus, p.cores));
    model.latency_ratio_.push_back(p.latency_ms > 0 ? p.latency_ms / p.duration_ms : 1.0);
  }
  return model;
}

double DurationModel::interpolate(const std::vector<double>& values, int memory_mb) const {
  return pchip(log_memory_, values, std::log(memory_mb));
}

double DurationModel::work_factor(int memory_mb) const {
  return time_factor(engine_api::cpu_share(memory_mb), engine_api::visible_cores(memory_mb));
}

double DurationModel::cpu_ms(int memory_mb) const { return interpolate(cpu_, memory_mb); }
double DurationModel::wait_ms(int memory_mb) const { return std::max(0.0, interpolate(wait_, memory_mb)); }

double DurationModel::duration_ms(int memory_mb) const {
  const double work = cpu_ms(memory_mb) * time_factor(engine_api::cpu_share(memory_mb), engine_api::visible_cores(memory_mb));
  // A negative remainder can shorten the CPU part, never erase it.
  return std::max(work * 0.5, work + interpolate(wait_, memory_mb));
}

double DurationModel::latency_ms(int memory_mb) const {
  return duration_ms(memory_mb) * interpolate(latency_ratio_, memory_mb);
}

double DurationModel::cpu_fraction() const {
  const double from_cpu_time = cpu_time_fraction();
  return duration_fraction_ ? std::min(*duration_fraction_, from_cpu_time) : from_cpu_time;
}

double DurationModel::cpu_time_fraction() const {
  const int one_vcpu = static_cast<int>(engine_api::kMemoryMbPerVcpu);
  // At one vCPU the CPU part takes its CPU time in wall time.
  const double cpu = cpu_ms(one_vcpu);
  const double total = cpu + wait_ms(one_vcpu);
  return total > 0 ? cpu / total : 0;
}

WorkloadKind DurationModel::kind() const {
  const double f = cpu_fraction();
  if (f >= 0.8) return WorkloadKind::kCpuBound;
  if (f <= 0.2) return WorkloadKind::kIoBound;
  return WorkloadKind::kMixed;
}

double DurationModel::useful_cpus() const {
  const double fastest = duration_ms(engine_api::kMaxMemoryMb);
  for (int m = engine_api::kMinMemoryMb; m <= engine_api::kMaxMemoryMb; m += 16) {
    if (duration_ms(m) <= fastest * 1.05) return engine_api::cpu_share(m);
  }
  return engine_api::cpu_share(engine_api::kMaxMemoryMb);
}

std::string DurationModel::describe() const {
  const double f = cpu_fraction();
  std::string text;
  switch (kind()) {
    case WorkloadKind::kCpuBound:
      text = fmt::format("CPU-bound: {:.0f}% of its time at 1,769 MB (one vCPU) is CPU work", f * 100);
      break;
    case WorkloadKind::kIoBound:
      text = fmt::format("I/O-bound: {:.0f}% of its time at 1,769 MB is spent waiting, which more memory does not shorten",
                         (1 - f) * 100);
      break;
    case WorkloadKind::kMixed:
      text = fmt::format("mixed: {:.0f}% CPU work and {:.0f}% waiting at 1,769 MB", f * 100, (1 - f) * 100);
      break;
  }
  // Say why the CPU time shown per size does not make it CPU work.
  const double cpu_time = cpu_ms(static_cast<int>(engine_api::kMemoryMbPerVcpu));
  if (judged_by_durations() && cpu_time_fraction() - f >= 0.1) {
    text += fmt::format(" (judged by how its durations shrink with the CPU share: of its {:.0f} ms of CPU time per "
                        "invoke at 1,769 MB, at most about {:.0f} ms is on the critical path; the rest ran beside the "
                        "waiting, on runtime threads such as a garbage collector or JIT compiler)",
                        cpu_time, std::min(critical_cpu_ms_, cpu_time));
  }
  if (!parallelism_measured_) {
    return text + "; no size above one vCPU was measured, so it is assumed single-threaded";
  }
  const double useful = useful_cpus();
  const int useful_mb = static_cast<int>(std::lround(useful * engine_api::kMemoryMbPerVcpu));
  if (serial_ >= 0.9) {
    text += fmt::format("; single-threaded ({:.0f}% of its CPU work is serial)", serial_ * 100);
    if (useful <= 1.1) return text + ", so it stops getting faster at about 1,769 MB (one vCPU)";
    // Faster beyond one vCPU without using more cores: less waiting or less work
    // (memory pressure) at the larger sizes measured.
    return text + fmt::format(", though it still got faster up to about {} MB: it waited or worked less there, "
                              "it did not use more cores",
                              util::with_thousands(std::min(useful_mb, engine_api::kMaxMemoryMb)));
  }
  return text + fmt::format("; {:.0f}% of its CPU work runs in parallel, so it keeps getting faster up to about "
                            "{:.1f} vCPUs ({} MB)",
                            (1 - serial_) * 100, useful, util::with_thousands(std::min(useful_mb, engine_api::kMaxMemoryMb)));
}

}  // namespace sweetspot::tuner
