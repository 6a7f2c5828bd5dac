#include "loopback_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace sweetspot::fuzz {

namespace {

// After connect() returned EINTR: true once the connection is established.
bool finish_interrupted_connect(int fd) {
  pollfd p{fd, POLLOUT, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, 10'000);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return false;
  errno = error;
  return error == 0;
}

}  // namespace

util::UniqueFd connect_loopback(int port, Teardown teardown) {
  util::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) std::abort();
  if (teardown == Teardown::kRotateSourceAddress) {
    static uint32_t next_source = 0;
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + next_source++ % 250);
    const int no_port = 1;  // the port is chosen at connect(), per destination
    ::setsockopt(fd.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &no_port, sizeof no_port);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      std::perror("fuzz: bind a loopback source address");
      std::abort();
    }
  } else {
    const linger no_linger{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // A server thread not accepting yet is fine: connect() queues in the backlog.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    // A signal (libFuzzer's timers) can interrupt connect(); the connection
    // then completes on its own: wait for it rather than abort the run.
    if (errno != EINTR || !finish_interrupted_connect(fd.get())) {
      std::perror("fuzz: connect to the server");
      std::abort();
    }
  }
  return fd;
}

void send_then_end(int fd, std::span<const uint8_t> bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace sweetspot::fuzz
