// Reads of /proc for the processes of an environment. Every file is read whole:
// a pid list or a status file can be far longer than one page, and a cut list
// would end mid-pid (and name a stranger's process).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sweetspot::sandbox {

// The whole content of a kernel file (procfs, cgroupfs), however long.
util::Result<std::string> read_kernel_file(const std::filesystem::path& path);

// "12\n345\n" -> {12, 345}; anything that is not a positive pid is skipped.
std::vector<pid_t> parse_pids(std::string_view text);

// The process's resident set now (statm, cheap), 0 when it is gone.
int64_t resident_bytes(pid_t pid);
// The process's peak resident set (VmHWM in status), 0 when it is gone.
int64_t peak_resident_bytes(pid_t pid);
// CPU the process and its reaped children used (utime+stime+cutime+cstime).
std::chrono::nanoseconds process_cpu_time(pid_t pid);

// Brings the kernel's CPU accounting of every thread of `pid` up to date: a task
// that is (or was just) on a CPU has its time since the last tick charged (to
// its cgroup's counters too) only at its next tick or context switch, up to one
// tick (4 ms at HZ=250) late; reading its schedstat charges it now.
void settle_cpu_accounting(pid_t pid);
// The CPU time the kernel has charged to the threads of `pid` (schedstat).
std::chrono::nanoseconds scheduled_time(pid_t pid);

}  // namespace sweetspot::sandbox
