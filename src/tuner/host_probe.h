// How much CPU this host gives a runnable thread right now. The tuner runs a
// short reference burst of CPU work in its own process between batches: a thread
// that got the whole CPU finishes its burst in as much wall time as CPU time,
// one sharing the CPU with a teammate's build takes longer. The ratio (CPU time /
// wall time, 1 = the CPU was free) tells which measurements the host disturbed.
#pragma once

#include <memory>

namespace sweetspot::tuner {

class HostProbe {
 public:
  virtual ~HostProbe() = default;
  // Share of one CPU a runnable thread got during the probe, in (0, 1].
  virtual double availability() = 0;
};

// The real probe: spins until the thread has used `burst_ms` of CPU time and
// compares that with the wall time it took. Costs burst_ms of CPU on a free
// host, a few times that on a busy one.
class CpuBurstProbe : public HostProbe {
 public:
  explicit CpuBurstProbe(double burst_ms = 8) : burst_ms_(burst_ms) {}
  double availability() override;

 private:
  double burst_ms_;
};

// A host that is always free: for backends whose invokes do not run here (the
// fake backend of tests and benchmarks, and AWS).
class QuietHost : public HostProbe {
 public:
  double availability() override { return 1; }
};

}  // namespace sweetspot::tuner
