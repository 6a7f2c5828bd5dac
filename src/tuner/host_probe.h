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
// each CPU and counts the work done per CPU millisecond against the fastest seen.
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
  double fastest_ = 0;  // work units per CPU ms, the best seen on any CPU
};

// A host that is always free: for backends whose invokes do not run here (the
// fake backend of tests and benchmarks, and AWS).
class QuietHost : public HostProbe {
 public:
  HostReading read() override { return {}; }
};

}  // namespace sweetspot::tuner
