// The client side of the fuzz targets that feed a real server over loopback: one
// TCP connection that writes the input's bytes as they are and then ends its
// side, so the server sees exactly the input and its end.
#pragma once

#include <cstdint>
#include <span>

#include "util/unique_fd.h"

namespace sweetspot::fuzz {

// How a connection avoids leaving a TIME_WAIT per input (thousands a second
// exhaust one source address's ports within a minute).
enum class Teardown {
  // close() sends a reset: for servers whose answers need not be read to the end.
  kReset,
  // The source address cycles through 127.0.0.2-251: for a client that must send
  // the first FIN (the server has to see the end of the input) and then read
  // until the server closes.
  kRotateSourceAddress,
};

// Connects to 127.0.0.1:port; aborts if loopback does not work (a harness failure,
// not a finding).
util::UniqueFd connect_loopback(int port, Teardown teardown);

// Writes all of `bytes` (stopping early if the server has closed: that is an answer
// too), then shuts down the write side.
void send_then_end(int fd, std::span<const uint8_t> bytes);

}  // namespace sweetspot::fuzz
