// Comparing sizes at the function's typical speed.
//
// Each size is measured in its own execution environment, and environments run
// the same work at different speeds: on the 2-CPU host of bench/README.md
// (session 10) the CPU time per invoke of image-python differed by about 9%
// between environments (sizes), where a size's own four invokes pinned its mean
// to about 4%, and its duration followed that CPU time (correlation 0.99 at one
// vCPU and above). Session 12 found much of that to be the host's, not the
// environment's: for seconds at a time this host runs the same work about a
// quarter faster (image-python 48 ms of CPU per invoke instead of 63), in two
// environments invoked alternately at the same invokes. A size measured in one
// stretch of a few invokes gets whatever the host gave then.
// More invokes in the same stretch cannot average that out, so the
// cheapest of several sizes with a flat cost is the one whose environment
// happened to be fast: three sweeps of image-python put their cheapest at 320,
// 704 and 832 MB, each 13-26% dearer by the other two. Lambda's environments
// vary too, and what a size costs is its cost in a typical one.
//
// So `--memory auto` compares sizes at the level of their CPU times per invoke
// where they have one: the same work at every size (most functions above their
// memory floor), each size's environment faster or slower. The part of each
// invoke's duration that its CPU time accounts for is scaled to that level
// (each invoke, as the host's stretches come and go within a size's). Two of
// the three sweeps compared that way put their cheapest within 2% of each
// other's (the third's is a throttled size, see kThrottledShare). It
// is not done where the CPU times have a trend with memory (a heap scanned in
// proportion to its size, a collector easing off: the slope of log CPU time on
// log memory told apart from none, and a rise or fall across the sizes' order
// told apart from none), which with fewer than four sizes cannot be
// told from environments; a size below kThrottledShare of a vCPU is compared as
// measured; and a size whose CPU time lies more than
// kSpeedSpread off the level did other work (a collector near its floor), not
// the same work at another speed: it is compared as measured, and left out of
// the level.
#pragma once

#include <optional>
#include <vector>

#include "tuner/pricing.h"
#include "tuner/size_result.h"

namespace sweetspot::tuner {

// The farthest a size's CPU time is taken to lie from the level and still be
// the same work at another speed. The host's stretches run the same work about
// a third faster or slower (image-python 47-50 ms of CPU per invoke against
// 60-66, 1.31x, bench/README.md sessions 12 and 13), and which of the two most
// sizes of a run were measured in changes by the hour: with 1.25 above the
// level (session 10's bound, three standard deviations of its environments'
// 9%), a size measured in a slow stretch among fast ones was taken for other
// work and compared as measured, about a quarter too dear, and a fast one
// among slow ones (1.25 below, before session 12) a fifth too cheap. Work that
// really changes with memory lies beyond: half where a cache fits, 5x for a
// collector near its floor (memory-floor).
inline constexpr double kSpeedSpread = 1.45;

// Below this share of a vCPU a size's invoke runs in slices of under 4 ms per
// 20 ms quota period, and its CPU time per invoke is not only its
// environment's: in every sweep of session 10 it lay 10-15% above the larger
// sizes' at 128-320 MB for image-python and below it at 128 MB for cpu-heavy
// (caches cold after each throttled stretch, accounting at the quota's edges),
// an effect of the share that Lambda's quota has too. Such sizes are compared
// as measured and left out of the level.
inline constexpr double kThrottledShare = 0.2;

struct SpeedAdjustment {
  int memory_mb = 0;
  double cpu_ms = 0;          // CPU time per steady invoke as measured
  double typical_cpu_ms = 0;  // the level of all sizes' CPU times
  double duration_factor = 1; // what the size's durations and billed time were scaled by
};

struct TypicalSpeed {
  std::vector<SizeResult> sizes;             // the sizes as compared: adjusted where it applies
  std::vector<SpeedAdjustment> adjustments;  // the sizes that were adjusted, by memory
};

// The sizes at the level of their CPU times per invoke, where at least four
// feasible sizes the host did not disturb have CPU times within kSpeedSpread of
// it and no trend with memory (the others unchanged); otherwise the sizes as
// measured and no adjustments.
TypicalSpeed at_typical_speed(const std::vector<SizeResult>& sizes, const Prices& prices, int tmp_mb);

// How far one environment's speed can move the part of a size's cost that its
// CPU time accounts for: about two standard deviations of the 8-9% between
// environments measured in sessions 10 and 11 (bench/README.md).
inline constexpr double kEnvironmentReach = 0.2;

// Where `pick` is below kThrottledShare, so compared as measured in the one
// environment it ran in, the other feasible sizes that cost within what that
// environment's speed can move its cost (kEnvironmentReach of the part its CPU
// time accounts for), by memory: another run may pick one of them. Empty where
// the pick is not throttled or none is that close.
std::vector<int> rivals_within_environment_reach(const std::vector<SizeResult>& sizes, const SizeResult& pick);

}  // namespace sweetspot::tuner
