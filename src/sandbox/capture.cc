#include "sandbox/capture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "util/strings.h"
#include "util/unique_fd.h"

extern char** environ;

namespace sweetspot::sandbox {

util::Result<CapturedOutput> capture_output(const std::vector<std::string>& argv, CaptureLimits limits) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return util::fail_errno("cannot create a pipe");
  util::UniqueFd read_end(fds[0]);
  util::UniqueFd write_end(fds[1]);

  util::UniqueFd dev_null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (dev_null.get() < 0) return util::fail_errno("cannot open /dev/null");

  SpawnOptions options;
  options.argv = argv;
  for (char** e = environ; *e != nullptr; ++e) options.env.emplace_back(*e);
  options.tmp = TmpIsolation::kShared;  // a question, not a function: no namespace
  options.stdout_fd = write_end.get();
  options.stderr_fd = dev_null.get();
  auto process = Process::spawn(options);
  if (!process) return std::unexpected(process.error());
  write_end.reset();  // EOF once the child (and its children) close their copies

  CapturedOutput captured;
  const auto deadline = std::chrono::steady_clock::now() + limits.time;
  std::array<char, 4096> buffer{};
  while (captured.out.size() < limits.max_bytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      captured.timed_out = true;
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      captured.timed_out = ready == 0;
      break;
    }
    const ssize_t n = ::read(read_end.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    captured.out.append(buffer.data(), std::min(static_cast<std::size_t>(n), limits.max_bytes - captured.out.size()));
  }
  // Past the limit or the time: it has said enough.
  if (captured.timed_out || captured.out.size() >= limits.max_bytes) process->kill(SIGKILL);
  captured.status = process->wait();
  return captured;
}

std::string first_line_of_output(const std::vector<std::string>& argv) {
  auto captured = capture_output(argv);
  if (!captured || captured->timed_out || captured->status.kind != ExitStatus::Kind::kExited ||
      captured->status.value != 0) {
    return "";
  }
  const std::string& out = captured->out;
  return std::string(util::trim(out.substr(0, out.find('\n'))));
}

}  // namespace sweetspot::sandbox
