// `sweetspot serve` as a client reaches it over the network: the input's bytes
// are written as they are to one TCP connection to the real lambda_api::HttpServer
// (cpp-httplib: request line, headers, Content-Length and chunked bodies, the
// 6 MB limit, keep-alive and pipelined requests) on 127.0.0.1, in front of the
// same Service as fuzz_lambda_api (one function `fuzzed`, no environment ever
// started). Then the answers are read until the server closes the connection, so
// whatever the input made the server do is over before the next input.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "lambda_api/http_server.h"
#include "lambda_api/request_fuzz.h"
#include "util/unique_fd.h"

namespace {

using sweetspot::lambda_api::HttpServer;

// httplib answers or closes within its own 5 s read timeout; only a stuck server
// is waited for this long (libFuzzer's -timeout then reports the input).
constexpr int kStuckMs = 10000;

// One server for the whole run, listening on a free port, serving from its own
// thread; never destroyed (the process may exit while it waits for a connection).
int server_port() {
  static const int port = [] {
    auto server = HttpServer::create(sweetspot::lambda_api::fuzz_service(),
                                     {.host = "127.0.0.1", .port = 0, .threads = 2});
    if (!server) std::abort();  // loopback must work; anything else is a harness failure
    HttpServer* s = server->release();
    std::thread([s] { s->run(); }).detach();
    return s->port();
  }();
  return port;
}

sweetspot::util::UniqueFd connect_to(int port) {
  sweetspot::util::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) std::abort();
  // This end sends the first FIN (the server must see the end of the input), so
  // each connection leaves a TIME_WAIT here for 60 s: at a thousand inputs a second
  // one source address runs out of ports (28,000) in half a minute. The source
  // cycles through 127.0.0.2-251 instead, the port chosen at connect().
  static uint32_t next_source = 0;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + next_source++ % 250);
  const int no_port = 1;
  ::setsockopt(fd.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &no_port, sizeof no_port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
    std::perror("fuzz_lambda_api_http: bind a loopback source address");
    std::abort();
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The server thread may not be accepting yet: connect() queues in the backlog.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("fuzz_lambda_api_http: connect to the server");
    std::abort();
  }
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fd = connect_to(server_port());
  for (size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd.get(), data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed on a bad request: that is an answer too
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd.get(), SHUT_WR);
  char buffer[65536];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, kStuckMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) std::abort();  // neither answered nor closed: a hang
    if (::recv(fd.get(), buffer, sizeof buffer, 0) <= 0) break;
  }
  return 0;
}
