// X-Ray datagrams as the local X-Ray daemon receives them from a function's SDK
// (UDP on 127.0.0.1): header line, newline, one segment document. Also the trace
// header's Root and Parent fields, which come from the same outside world.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/xray_segments.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto segments = sweetspot::engine::parse_xray_datagram(bytes)) {
    for (const auto& s : *segments) (void)s.duration_ms();
  }
  (void)sweetspot::engine::trace_root(bytes);
  (void)sweetspot::engine::trace_parent(bytes);
  return 0;
}
