// The wall time of CPU work under Lambda's CPU quota: a share of a CPU enforced
// as `share x period` of CPU time per period (FACTS.md, 20 ms), not as a slower
// CPU. Short work at a fractional share often finishes before its period's quota
// runs out, so it is faster than cpu / share (bench/README.md, session 8).
#pragma once

namespace sweetspot::tuner {

// Expected wall time (ms) of `cpu_ms` of single-threaded CPU work under a quota
// of `cpu_share x period_ms` per `period_ms`, the invoke starting at a uniformly
// random point of a period whose quota is unused (a frozen environment used
// none), averaged over that start phase. cpu_ms at cpu_share >= 1; tends to
// cpu_ms / cpu_share for work much longer than a period. period_ms <= 0 is a
// quota with no granularity: cpu_ms / min(cpu_share, 1).
double expected_quota_duration_ms(double cpu_ms, double cpu_share, double period_ms);

}  // namespace sweetspot::tuner
