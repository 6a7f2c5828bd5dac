// How much CPU this host gives a runnable thread right now. The tuner runs a
// short reference burst of CPU work in its own process between batches: a thread
// that got the whole CPU finishes its burst in as much wall time as CPU time,
// one sharing the CPU with a teammate's build takes longer. The ratio (CPU time /
// wall time, 1 = the CPU was free) tells which measurements the host disturbed.
//
// In a virtual machine a CPU can also run slower without this VM's clocks
// showing it: the hypervisor gives its physical core to another guest (or to
// that core's other hyperthread) and, without steal-time accounting (this
// Firecracker guest reports none), the lost time counts as the thread's own CPU
// time. Measured here: for minutes one of the two CPUs did the same work in
// twice the CPU time, and image-python's CPU time per invoke was 110 or 145 ms
// by environment (bench/README.md, session 8). So the burst also runs pinned to
// each CPU and counts the work done per CPU millisecond against the fastest seen
// (SpeedBaseline).
#pragma once

#include <memory>
#include <vector>

namespace sweetspot::tuner {

struct HostReading {
  // Share of one CPU a runnable thread got during the probe, in (0, 1].
  double availability = 1;
  // Work per CPU millisecond on the slowest CPU, against the fastest any CPU did
  // in this run, in (0, 1]: below 1, a CPU time measured now overstates the work.
  double speed = 1;
};

// The median and the lowest of each figure over a run's or a size's readings.
struct HostSummary {
  HostReading median;
  HostReading lowest;
};
HostSummary summarize_readings(const std::vector<HostReading>& readings);

// Work per CPU millisecond of one probe's bursts (units of the probe's loop).
struct BurstRates {
  double unpinned = 0;         // 0: not measured
  std::vector<double> pinned;  // one per CPU the probe pinned itself to
};

// The run's reference for a CPU's speed: the most work per CPU millisecond any
// burst did, pinned or unpinned. The unpinned burst is a fair sample: if the
// scheduler moves it between CPUs, its work and CPU time add up over them, so its
// rate is their rates' mean weighted by CPU time, never above the fastest of
// them. It can understate the fastest CPU, never overstate it, and as the longest
// burst it is the least noisy.
class SpeedBaseline {
 public:
  // Raises the baseline with this probe's rates, then returns the slowest pinned
  // rate against it, in [0.01, 1]; 1 when no pinned burst ran.
  double speed(const BurstRates& rates);
  double fastest() const { return fastest_; }

 private:
  double fastest_ = 0;
};

class HostProbe {
 public:
  virtual ~HostProbe() = default;
  virtual HostReading read() = 0;
};

// The real probe: an unpinned burst of `burst_ms` of CPU time compared with the
// wall time it took (availability), then a burst pinned to each CPU this process
// may use (speed). Costs about twice burst_ms of CPU on a free host.
class CpuBurstProbe : public HostProbe {
 public:
  explicit CpuBurstProbe(double burst_ms = 8) : burst_ms_(burst_ms) {}
  HostReading read() override;

 private:
  double burst_ms_;
  SpeedBaseline baseline_;
};

// A host that is always free: for backends whose invokes do not run here (the
// fake backend of tests and benchmarks, and AWS).
class QuietHost : public HostProbe {
 public:
  HostReading read() override { return {}; }
};

}  // namespace sweetspot::tuner
