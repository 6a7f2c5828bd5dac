#include "engine/xray_daemon.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <cerrno>

namespace sweetspot::engine {

util::Result<std::unique_ptr<XRayDaemon>> XRayDaemon::create(Limits limits) {
  util::UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!sock) return util::fail_errno("X-Ray daemon: socket");
  // Room for bursts between reads (the SDKs send one datagram per subsegment);
  // the kernel caps it at net.core.rmem_max, which is fine.
  int rcvbuf = 1 << 20;
  ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return util::fail_errno("X-Ray daemon: bind 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  if (::getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return util::fail_errno("X-Ray daemon: getsockname");
  }
  util::UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return util::fail_errno("X-Ray daemon: eventfd");
  std::unique_ptr<XRayDaemon> daemon(new XRayDaemon(std::move(sock), std::move(wake), ntohs(addr.sin_port), limits));
  daemon->thread_ = std::thread([d = daemon.get()] { d->run(); });
  return daemon;
}

XRayDaemon::XRayDaemon(util::UniqueFd socket, util::UniqueFd wake, uint16_t port, Limits limits)
    : socket_(std::move(socket)), wake_(std::move(wake)), port_(port), limits_(limits),
      // One byte more than the limit, so an oversize datagram shows as MSG_TRUNC.
      buffer_(kMaxXRayDatagramBytes + 1) {}

XRayDaemon::~XRayDaemon() {
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

std::string XRayDaemon::address() const { return fmt::format("127.0.0.1:{}", port_); }

void XRayDaemon::run() {
  pollfd fds[2] = {{socket_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // cannot happen with valid fds; segments are then simply not collected
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      std::lock_guard read_lock(read_mutex_);
      drain_locked();
    }
  }
}

void XRayDaemon::drain_locked() {
  for (;;) {
    // MSG_TRUNC makes recv return the datagram's real length even when it did not fit.
    ssize_t n = ::recv(socket_.get(), buffer_.data(), buffer_.size(), MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: nothing queued
    }
    const bool truncated = static_cast<size_t>(n) > kMaxXRayDatagramBytes;
    accept(std::string_view(buffer_.data(), std::min(static_cast<size_t>(n), buffer_.size())), truncated);
  }
}

void XRayDaemon::accept(std::string_view datagram, bool truncated) {
  if (truncated) {
    std::lock_guard lock(mutex_);
    ++counts_.datagrams;
    ++counts_.oversize;
    return;
  }
  auto parsed = parse_xray_datagram(datagram);
  std::lock_guard lock(mutex_);
  ++counts_.datagrams;
  if (!parsed) {
    switch (parsed.error().problem) {
      case DatagramProblem::kOversize: ++counts_.oversize; break;
      case DatagramProblem::kBadHeader: ++counts_.bad_header; break;
      case DatagramProblem::kMalformed:
      case DatagramProblem::kTooManyEntities: ++counts_.malformed; break;
    }
    return;
  }
  for (auto& segment : *parsed) {
    auto it = pending_.find(segment.trace_id);
    if (it == pending_.end()) {
      ++counts_.unexpected;
      continue;
    }
    if (it->second.segments.size() >= limits_.max_segments_per_invoke) {
      ++counts_.flooding;
      ++it->second.dropped;
      continue;
    }
    ++counts_.segments;
    it->second.segments.push_back(std::move(segment));
  }
}

void XRayDaemon::expect(std::string_view root) {
  std::lock_guard lock(mutex_);
  if (pending_.size() >= limits_.max_pending_invokes) return;  // a leak elsewhere; never grow without bound
  pending_.try_emplace(std::string(root));
}

CollectedTrace XRayDaemon::collect(std::string_view root) {
  std::lock_guard read_lock(read_mutex_);
  drain_locked();
  std::lock_guard lock(mutex_);
  auto it = pending_.find(root);
  if (it == pending_.end()) return {};
  CollectedTrace out = std::move(it->second);
  pending_.erase(it);
  return out;
}

XRayCounts XRayDaemon::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace sweetspot::engine
