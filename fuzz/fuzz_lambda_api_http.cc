// `sweetspot serve` as a client reaches it over the network: the input's bytes
// are written as they are to one TCP connection to the real lambda_api::HttpServer
// (cpp-httplib: request line, headers, Content-Length and chunked bodies, the
// 6 MB limit, keep-alive and pipelined requests) on 127.0.0.1, in front of the
// same Service as fuzz_lambda_api (one function `fuzzed`, no environment ever
// started). Then the answers are read until the server closes the connection, so
// whatever the input made the server do is over before the next input.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "lambda_api/http_server.h"
#include "lambda_api/request_fuzz.h"
#include "loopback_client.h"

namespace {

using sweetspot::fuzz::connect_loopback;
using sweetspot::fuzz::send_then_end;
using sweetspot::fuzz::Teardown;
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // This end sends the first FIN (the server must see the end of the input).
  const auto fd = connect_loopback(server_port(), Teardown::kRotateSourceAddress);
  send_then_end(fd.get(), {data, size});
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
