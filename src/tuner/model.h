// A model of how a function's duration depends on its memory size, fitted from
// wall time AND CPU time at the measured sizes:
//
//   duration(m) = wait(m) + cpu(m) * (serial / min(share, 1) + parallel / min(share, cores))
//
// share = m / 1769 vCPUs and cores = visible cores (engine/lambda_limits.h). The
// CPU time tells how much work there is; the wall time left over is waiting (I/O,
// sleeps), which more memory does not shorten; sizes above one vCPU tell the serial
// and parallel parts apart. cpu(m) and wait(m) are interpolated between measured
// sizes (monotone cubic in log memory), because real functions do more work when
// memory is tight (garbage collection), which no share formula predicts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace sweetspot::tuner {

struct ModelPoint {
  int memory_mb = 0;
  double duration_ms = 0;  // typical (trimmed mean) duration
  double cpu_ms = 0;       // typical CPU time per invoke
  double latency_ms = 0;   // the latency-limit percentile
  double cpus = 0;         // vCPUs the measurement actually had (host-capped sizes: less than Lambda's)
  int cores = 0;           // cores it could see
};

enum class WorkloadKind { kCpuBound, kIoBound, kMixed };
const char* to_string(WorkloadKind kind);

class DurationModel {
 public:
  // Needs at least one point; the serial fraction needs a point above one vCPU
  // (otherwise it is assumed serial, the conservative guess, and says so).
  static util::Result<DurationModel> fit(std::vector<ModelPoint> points);

  // Predicted duration and latency percentile at Lambda's share for this size.
  double duration_ms(int memory_mb) const;
  double latency_ms(int memory_mb) const;
  double cpu_ms(int memory_mb) const;
  double wait_ms(int memory_mb) const;  // waiting (I/O); 0 where CPU time explains all

  // How many times its CPU time a function of this size takes in wall time, at
  // Lambda's share (1 at one vCPU for serial work, more below, less above).
  double work_factor(int memory_mb) const;
  double serial_fraction() const { return serial_; }  // of the CPU work
  bool parallelism_measured() const { return parallelism_measured_; }
  // Share of the duration at one full vCPU (1,769 MB) that is CPU work.
  double cpu_fraction() const;
  WorkloadKind kind() const;
  // vCPUs beyond which more memory stops making it faster (within 5%).
  double useful_cpus() const;
  // One sentence: "CPU-bound, single-threaded: ..." for the reasoning.
  std::string describe() const;
  const std::vector<ModelPoint>& points() const { return points_; }

 private:
  double interpolate(const std::vector<double>& values, int memory_mb) const;
  double time_factor(double share, int cores) const;

  std::vector<ModelPoint> points_;   // sorted by memory
  std::vector<double> log_memory_;
  std::vector<double> wait_;         // per point: wall time not explained by CPU work
  std::vector<double> cpu_;
  std::vector<double> latency_ratio_;  // latency / duration per point
  double serial_ = 1;
  bool parallelism_measured_ = false;
};

// Monotone piecewise cubic (Fritsch-Carlson, Boost.Math's pchip) through (x, y),
// constant beyond the ends: never overshoots the data, so it invents no minimum
// that was not measured.
double pchip(const std::vector<double>& x, const std::vector<double>& y, double at);

}  // namespace sweetspot::tuner
