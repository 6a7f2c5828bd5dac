// Numbers Lambda fixes (../shared/FACTS.md), in one place.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace sweetspot::engine_api {

inline constexpr int kMinMemoryMb = 128;
inline constexpr int kMaxMemoryMb = 10240;
inline constexpr double kMemoryMbPerVcpu = 1769.0;  // 1,769 MB buys one vCPU
inline constexpr int kMinVisibleCores = 2;          // unconfirmed: a setting in --help
// The period over which the CPU share is enforced as a quota: Lambda's
// throttling pauses end on 20 ms boundaries.
inline constexpr std::chrono::microseconds kCpuPeriod{20000};
inline constexpr int kMaxVisibleCores = 6;
inline constexpr int kMinTmpMb = 512;
inline constexpr int kMaxTmpMb = 10240;
inline constexpr int kDefaultTmpMb = 512;
inline constexpr double kMinTimeoutS = 1;
inline constexpr double kMaxTimeoutS = 900;
inline constexpr double kDefaultTimeoutS = 3;
inline constexpr double kInitLimitS = 10;
inline constexpr int kMaxProcesses = 1024;
inline constexpr int kMaxOpenFiles = 1024;
inline constexpr int64_t kMaxPayloadBytes = 6 * 1024 * 1024;

// vCPUs Lambda gives a function of this size.
inline double cpu_share(int memory_mb) { return memory_mb / kMemoryMbPerVcpu; }

// Cores the function can see: at least `min_cores` (2 by community measurements,
// unconfirmed, so a setting), then one per vCPU or part of one, at most 6.
inline int visible_cores(int memory_mb, int min_cores = kMinVisibleCores) {
  const int needed = static_cast<int>(std::ceil(memory_mb / kMemoryMbPerVcpu));
  return std::clamp(needed, std::min(min_cores, kMaxVisibleCores), kMaxVisibleCores);
}

inline bool valid_memory_mb(long long mb) { return mb >= kMinMemoryMb && mb <= kMaxMemoryMb; }

}  // namespace sweetspot::engine_api
