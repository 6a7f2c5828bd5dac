// The Runtime API's hand-written HTTP parser (engine::HttpRequestParser) on its
// own, without sockets, so it runs thousands of times faster than
// fuzz_runtime_api. The input is a byte stream from a function's runtime: the
// first byte picks how it arrives (0: all at once, else in pieces of that many
// bytes) and whether the limits are small (bit 7: 256-byte head, 4 headers,
// 512-byte body) so that every limit is reached. Requests are read one after the
// other, as on a kept-alive connection. Besides crashes it checks what the
// parser promises: the limits hold, every call makes progress, and how the bytes
// are split never changes what is read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/http_request_parser.h"

namespace {

using sweetspot::engine::HttpLimits;
using sweetspot::engine::HttpRequest;
using sweetspot::engine::HttpRequestParser;

struct Outcome {
  std::vector<HttpRequest> requests;
  HttpRequestParser::State state = HttpRequestParser::State::kHead;
  HttpRequestParser::Error error = HttpRequestParser::Error::kNone;
  size_t consumed = 0;
};

bool same(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.target == b.target && a.http10 == b.http10 && a.headers == b.headers &&
         a.body == b.body;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Reads `stream` in pieces of `step` bytes (0: everything at once).
Outcome read_all(std::string_view stream, size_t step, const HttpLimits& limits) {
  Outcome out;
  HttpRequestParser parser(limits);
  size_t at = 0;
  while (at < stream.size()) {
    const size_t end = step == 0 ? stream.size() : std::min(stream.size(), at + step);
    const std::string_view piece = stream.substr(at, end - at);
    const size_t used = parser.feed(piece);
    check(used <= piece.size());
    at += used;
    const auto state = parser.state();
    if (state == HttpRequestParser::State::kComplete) {
      const HttpRequest& r = parser.request();
      check(r.body.size() <= limits.max_body_bytes && r.headers.size() <= limits.max_headers);
      out.requests.push_back(r);
      parser.reset();
      continue;
    }
    if (state == HttpRequestParser::State::kError) break;
    // Still reading: it must have taken the whole piece (nothing left unread
    // while it waits for more, or the connection would stall).
    check(used == piece.size());
  }
  out.state = parser.state();
  out.error = parser.error();
  out.consumed = at;
  check(parser.request().body.size() <= limits.max_body_bytes);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  HttpLimits limits;
  if (data[0] & 0x80) limits = {.max_head_bytes = 256, .max_headers = 4, .max_body_bytes = 512};
  const size_t step = data[0] & 0x7f;

  const Outcome whole = read_all(stream, 0, limits);
  if (step == 0) return 0;
  const Outcome pieces = read_all(stream, step, limits);
  check(whole.requests.size() == pieces.requests.size());
  for (size_t i = 0; i < whole.requests.size(); ++i) check(same(whole.requests[i], pieces.requests[i]));
  check(whole.state == pieces.state && whole.error == pieces.error);
  // After an error the connection is answered and closed: how far into the bad
  // bytes the parser read does not matter, and may depend on the pieces.
  if (whole.state != HttpRequestParser::State::kError) check(whole.consumed == pieces.consumed);
  return 0;
}
