#pragma once

#include <chrono>
#include <cstdint>

namespace sweetspot::util {

using Clock = std::chrono::steady_clock;

// Milliseconds between two steady-clock points, as a double (durations in REPORT
// lines carry two decimals).
inline double elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Wall-clock milliseconds since the Unix epoch (Lambda-Runtime-Deadline-Ms).
int64_t epoch_ms_now();

}  // namespace sweetspot::util
