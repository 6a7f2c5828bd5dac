// An incremental HTTP/1.1 request parser with hard limits, for the Runtime API a
// function's runtime talks to. Hand-written rather than cpp-httplib's because a
// function is untrusted input: httplib buffers a header line or a body of any
// length before any check, so a runtime posting 800 MB made sweetspot itself
// hold 1.5 GB. Here nothing past a limit is ever buffered: the parser stops and
// says which limit was passed (Lambda stops reading past its limits too).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sweetspot::engine {

struct HttpLimits {
  size_t max_head_bytes = 64 * 1024;  // request line and headers together
  size_t max_headers = 100;
  size_t max_body_bytes = 6 * 1024 * 1024;
};

struct HttpRequest {
  std::string method;
  std::string target;
  bool http10 = false;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header of that (lower-case) name.
  const std::string* header(std::string_view lower_name) const;
  bool keep_alive() const;
};

class HttpRequestParser {
 public:
  enum class State {
    kHead,      // reading the request line and headers
    kBody,      // the head is complete (request() has it), reading the body
    kComplete,  // a whole request: take it with request(), then reset()
    kError,     // see error(); answer and close the connection
  };
  enum class Error { kNone, kMalformed, kHeadTooLarge, kBodyTooLarge, kUnsupported };

  explicit HttpRequestParser(HttpLimits limits = {}) : limits_(limits) {}

  // Consumes bytes of the stream; returns how many it used. It stops at the end of
  // one request (kComplete) or at an error, leaving the rest unread.
  size_t feed(std::string_view bytes);
  // Starts the next request on the same connection.
  void reset();

  State state() const { return state_; }
  Error error() const { return error_; }
  bool head_complete() const { return state_ == State::kBody || state_ == State::kComplete; }
  // The declared body length, when the head gave one (for an early 413).
  std::optional<size_t> content_length() const { return content_length_; }
  bool expects_continue() const { return expects_continue_; }
  const HttpRequest& request() const { return request_; }
  HttpRequest& request() { return request_; }

 private:
  enum class Chunk { kSize, kData, kDataEnd, kTrailer };
  void fail(Error error);
  bool parse_head();  // on the complete head in head_; false after fail()
  size_t feed_body(std::string_view bytes);
  size_t feed_chunked(std::string_view bytes);
  // Appends to a bounded line; true once it ends with \n.
  bool take_line(std::string_view bytes, size_t& used, std::string& line, size_t limit);

  HttpLimits limits_;
  State state_ = State::kHead;
  Error error_ = Error::kNone;
  std::string head_;
  HttpRequest request_;
  std::optional<size_t> content_length_;
  bool chunked_ = false;
  bool expects_continue_ = false;
  Chunk chunk_ = Chunk::kSize;
  size_t chunk_left_ = 0;
  std::string line_;
  size_t trailer_bytes_ = 0;
};

}  // namespace sweetspot::engine
