// A local stand-in for the X-Ray daemon: a UDP listener on 127.0.0.1 (an
// ephemeral port) that the function's X-Ray SDK sends its segments to
// (AWS_XRAY_DAEMON_ADDRESS). It keeps the segments of the invokes it was told to
// expect, by trace id, and counts and drops everything else: malformed or
// oversize datagrams, traces nobody expects, and segments past an invoke's limit.
// Nothing a function sends can make it fail or grow without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/xray_segments.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace sweetspot::engine {

// What the listener received and what it did with it, since it started.
struct XRayCounts {
  uint64_t datagrams = 0;   // every datagram read
  uint64_t segments = 0;    // segments and subsegments kept for an invoke
  uint64_t oversize = 0;    // over 64,000 bytes
  uint64_t bad_header = 0;  // no {"format":"json","version":1} line
  uint64_t malformed = 0;   // not JSON, or missing id / name / trace_id / times, or too many nested
  uint64_t flooding = 0;    // segments past an invoke's limit
  uint64_t unexpected = 0;  // segments of a trace no invoke is waiting for (late, or made up)

  uint64_t dropped() const { return oversize + bad_header + malformed + flooding + unexpected; }
};

// The segments one invoke's function sent, and how many of its were dropped.
struct CollectedTrace {
  std::vector<engine_api::TraceSegment> segments;
  uint64_t dropped = 0;  // past the invoke's limit
};

class XRayDaemon {
 public:
  struct Limits {
    std::size_t max_segments_per_invoke = 1000;
    std::size_t max_pending_invokes = 1024;  // traces expected at once
  };

  static util::Result<std::unique_ptr<XRayDaemon>> create(Limits limits);
  static util::Result<std::unique_ptr<XRayDaemon>> create() { return create(Limits{}); }
  ~XRayDaemon();
  XRayDaemon(const XRayDaemon&) = delete;
  XRayDaemon& operator=(const XRayDaemon&) = delete;

  uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", the value of AWS_XRAY_DAEMON_ADDRESS.
  std::string address() const;

  // Starts keeping the segments whose trace_id is `root` ("1-xxxxxxxx-...").
  void expect(std::string_view root);
  // Reads whatever is still queued on the socket, then hands over and forgets
  // what was kept for `root`. Segments of `root` arriving later count as unexpected.
  CollectedTrace collect(std::string_view root);

  XRayCounts counts() const;

 private:
  XRayDaemon(util::UniqueFd socket, util::UniqueFd wake, uint16_t port, Limits limits);
  void run();
  // Reads every queued datagram without blocking. Callers hold read_mutex_.
  void drain_locked();
  void accept(std::string_view datagram, bool truncated);

  util::UniqueFd socket_;
  util::UniqueFd wake_;  // eventfd: the destructor's signal to the reader thread
  uint16_t port_ = 0;
  Limits limits_;
  std::vector<char> buffer_;  // one datagram; guarded by read_mutex_

  std::mutex read_mutex_;  // one reader at a time, so collect() sees all queued before it
  mutable std::mutex mutex_;  // guards what follows
  std::map<std::string, CollectedTrace, std::less<>> pending_;
  XRayCounts counts_;

  std::thread thread_;
};

}  // namespace sweetspot::engine
