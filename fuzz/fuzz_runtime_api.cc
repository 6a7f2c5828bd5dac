// The Runtime API server, as a runtime reaches it: the input's bytes (after the
// first) are written as they are to one TCP connection to a real RuntimeApiServer
// on 127.0.0.1, so httplib's request parsing and every route handler see them.
// The first byte's low bit says whether an event (request id "fuzz-request-1") is
// waiting before the bytes arrive. Whenever a /next waits for work (the server's
// on_idle hook), the next event is delivered ("fuzz-request-2", ...), as the
// engine would; after a few the server is stopped.
// Then whatever the runtime posted is collected as the engine would collect it.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/runtime_api_server.h"
#include "util/clock.h"
#include "loopback_client.h"
#include "util/unique_fd.h"

namespace {

using sweetspot::engine::InvokeEvent;
using sweetspot::fuzz::connect_loopback;
using sweetspot::fuzz::send_then_end;
using sweetspot::fuzz::Teardown;
using sweetspot::engine::RuntimeApiServer;
using sweetspot::engine::WaitResult;

constexpr int kMaxEvents = 4;
// Only a server that neither answers nor waits on /next is waited for this long.
constexpr int kStuckMs = 2000;

InvokeEvent event(int n) {
  InvokeEvent e;
  e.request_id = "fuzz-request-" + std::to_string(n);
  e.payload = R"({"n":)" + std::to_string(n) + "}";
  e.deadline_epoch_ms = 1'700'000'000'000;
  e.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fuzz";
  e.trace_id = "Root=1-00000000-000000000000000000000000;Sampled=0";
  if (n % 2 == 0) e.client_context = R"({"custom":{}})";
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // on_idle runs under the server's lock: it only signals this thread.
  const sweetspot::util::UniqueFd idle(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  auto server = RuntimeApiServer::create({.on_idle = [fd = idle.get()] { (void)::eventfd_write(fd, 1); }, .on_wake = {}});
  if (!server) std::abort();  // loopback must work; anything else is a harness failure
  int delivered = 0;
  if (data[0] & 1) (*server)->deliver(event(++delivered));

  const std::string address = (*server)->address();
  const auto fd = connect_loopback(std::atoi(address.substr(address.rfind(':') + 1).c_str()), Teardown::kReset);
  send_then_end(fd.get(), {data + 1, size - 1});

  char buffer[65536];
  for (;;) {
    pollfd p[2] = {{fd.get(), POLLIN, 0}, {idle.get(), POLLIN, 0}};
    if (::poll(p, 2, kStuckMs) <= 0) break;
    if (p[1].revents & POLLIN) {
      eventfd_t ignored;
      (void)::eventfd_read(idle.get(), &ignored);
      if (delivered == kMaxEvents) break;
      (*server)->deliver(event(++delivered));
    }
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && ::recv(fd.get(), buffer, sizeof buffer, 0) <= 0) break;
  }
  if ((*server)->wait_for_result(sweetspot::util::Clock::now()) == WaitResult::kDone) {
    (void)(*server)->take_result();
  }
  (void)(*server)->init_error();
  return 0;  // the server's destructor stops it, ending any /next still waiting
}
