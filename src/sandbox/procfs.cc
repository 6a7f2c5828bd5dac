#include "sandbox/procfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "util/unique_fd.h"

namespace sweetspot::sandbox {
namespace {

std::string proc_path(pid_t pid, const char* file) { return "/proc/" + std::to_string(pid) + "/" + file; }

int64_t page_bytes() {
  static const int64_t bytes = ::sysconf(_SC_PAGESIZE);
  return bytes;
}

}  // namespace

util::Result<std::string> read_kernel_file(const std::filesystem::path& path) {
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return util::fail_errno("cannot open " + path.string());
  std::string out;
  size_t used = 0;
  out.resize(4096);
  while (true) {
    if (used == out.size()) out.resize(out.size() * 2);
    const ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return util::fail_errno("cannot read " + path.string());
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

std::vector<pid_t> parse_pids(std::string_view text) {
  std::vector<pid_t> pids;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && (*p < '0' || *p > '9')) ++p;
    pid_t pid = 0;
    const auto [next, ec] = std::from_chars(p, end, pid);
    if (next == p) break;
    if (ec == std::errc() && pid > 0) pids.push_back(pid);
    p = next;
  }
  return pids;
}

int64_t resident_bytes(pid_t pid) {
  // statm: "size resident shared ..." in pages; far cheaper for the kernel to
  // produce than status.
  auto statm = read_kernel_file(proc_path(pid, "statm"));
  if (!statm) return 0;
  const char* p = statm->c_str();
  char* end = nullptr;
  std::strtoll(p, &end, 10);
  return std::strtoll(end, nullptr, 10) * page_bytes();
}

int64_t peak_resident_bytes(pid_t pid) {
  auto status = read_kernel_file(proc_path(pid, "status"));
  if (!status) return 0;
  constexpr std::string_view kKey = "\nVmHWM:";
  const auto at = status->find(kKey);
  return at == std::string::npos ? 0 : std::atoll(status->c_str() + at + kKey.size()) * 1024;
}

std::chrono::nanoseconds process_cpu_time(pid_t pid) {
  auto stat = read_kernel_file(proc_path(pid, "stat"));
  if (!stat) return {};
  // The command name (field 2) may hold spaces and parentheses: fields count
  // from the last ')'.
  const auto close = stat->rfind(')');
  if (close == std::string::npos) return {};
  const char* p = stat->c_str() + close + 1;
  long long ticks = 0;
  for (int field = 3; field <= 17 && *p != '\0'; ++field) {
    char* end = nullptr;
    while (*p == ' ') ++p;
    if (field >= 14) {  // utime stime cutime cstime
      ticks += std::strtoll(p, &end, 10);
      p = end;
    } else {
      while (*p != ' ' && *p != '\0') ++p;
    }
  }
  static const long hz = ::sysconf(_SC_CLK_TCK);
  return std::chrono::nanoseconds(ticks * 1'000'000'000LL / hz);
}

std::chrono::nanoseconds scheduled_time(pid_t pid) {
  std::chrono::nanoseconds total{0};
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(proc_path(pid, "task"), ec)) {
    if (auto stat = read_kernel_file(task.path() / "schedstat")) total += std::chrono::nanoseconds(std::atoll(stat->c_str()));
  }
  return total;
}

void settle_cpu_accounting(pid_t pid) { (void)scheduled_time(pid); }

}  // namespace sweetspot::sandbox
