#include "engine/ids.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <random>

namespace sweetspot::engine {
namespace {

std::string random_hex(size_t digits) {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mutex);
  std::string out;
  out.reserve(digits);
  while (out.size() < digits) {
    uint64_t word = rng();
    for (int i = 0; i < 16 && out.size() < digits; ++i, word >>= 4) out += "0123456789abcdef"[word & 0xf];
  }
  return out;
}

}  // namespace

std::string new_request_id() {
  std::string h = random_hex(32);
  h[12] = '4';                               // version 4
  const int nibble = h[16] <= '9' ? h[16] - '0' : h[16] - 'a' + 10;
  h[16] = "89ab"[nibble & 0x3];  // variant 10xx
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string new_trace_id() {
  const auto epoch_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  return fmt::format("Root=1-{:08x}-{};Parent={};Sampled=1", epoch_s, random_hex(24), random_hex(16));
}

std::string new_segment_id() { return random_hex(16); }

std::string new_log_stream_name(std::string_view version) {
  const auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y/%m/%d}/[{}]{}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), version, random_hex(32));
}

}  // namespace sweetspot::engine
