#include "engine/http_request_parser.h"

#include <algorithm>
#include <charconv>

#include "util/strings.h"

namespace sweetspot::engine {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), lower);
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

bool HttpRequest::keep_alive() const {
  const std::string* connection = header("connection");
  if (http10) return connection != nullptr && equals_ignoring_case(trim_ows(*connection), "keep-alive");
  return connection == nullptr || !equals_ignoring_case(trim_ows(*connection), "close");
}

void HttpRequestParser::reset() {
  state_ = State::kHead;
  error_ = Error::kNone;
  head_.clear();
  request_ = {};
  content_length_.reset();
  chunked_ = false;
  expects_continue_ = false;
  chunk_ = Chunk::kSize;
  chunk_left_ = 0;
  line_.clear();
  trailer_bytes_ = 0;
}

void HttpRequestParser::fail(Error error) {
  state_ = State::kError;
  error_ = error;
}

size_t HttpRequestParser::feed(std::string_view bytes) {
  size_t used = 0;
  if (state_ == State::kHead) {
    // Look for the blank line, also across the boundary with what came before.
    const size_t old = head_.size();
    const size_t room = limits_.max_head_bytes - std::min(limits_.max_head_bytes, old);
    const size_t take = std::min(bytes.size(), room);
    head_.append(bytes.substr(0, take));
    const size_t from = old >= 3 ? old - 3 : 0;
    size_t end = std::string::npos;
    for (size_t i = from; i < head_.size(); ++i) {
      if (head_[i] != '\n') continue;
      if (i >= 1 && head_[i - 1] == '\n') {
        end = i + 1;
        break;
      }
      if (i >= 2 && head_[i - 1] == '\r' && head_[i - 2] == '\n') {
        end = i + 1;
        break;
      }
    }
    if (end == std::string::npos) {
      if (take < bytes.size() || head_.size() >= limits_.max_head_bytes) fail(Error::kHeadTooLarge);
      return take;
    }
    used = end - old;
    head_.resize(end);
    if (!parse_head()) return used;
    head_.clear();
    head_.shrink_to_fit();
    if (state_ == State::kComplete) return used;
  }
  if (state_ == State::kBody) used += chunked_ ? feed_chunked(bytes.substr(used)) : feed_body(bytes.substr(used));
  return used;
}

bool HttpRequestParser::parse_head() {
  std::string_view head(head_);
  // Tolerate blank lines before the request line (RFC 9112 section 2.2).
  while (head.starts_with("\r\n") || head.starts_with("\n")) head.remove_prefix(head.starts_with("\r\n") ? 2 : 1);
  const size_t eol = head.find('\n');
  if (eol == std::string_view::npos) {
    fail(Error::kMalformed);
    return false;
  }
  const std::string_view line = trim_ows(head.substr(0, eol));
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || sp1 == 0) {
    fail(Error::kMalformed);
    return false;
  }
  request_.method = std::string(line.substr(0, sp1));
  request_.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  if (!std::ranges::all_of(request_.method, is_token_char) || request_.target.empty() ||
      request_.target.find(' ') != std::string::npos) {
    fail(Error::kMalformed);
    return false;
  }
  if (version == "HTTP/1.0") {
    request_.http10 = true;
  } else if (version != "HTTP/1.1") {
    fail(version.starts_with("HTTP/") ? Error::kUnsupported : Error::kMalformed);
    return false;
  }

  std::string_view rest = head.substr(eol + 1);
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view raw = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    const std::string_view field = trim_ows(raw);
    if (field.empty()) break;
    if (raw.front() == ' ' || raw.front() == '\t') {  // obsolete line folding
      fail(Error::kMalformed);
      return false;
    }
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::ranges::all_of(field.substr(0, colon), is_token_char)) {
      fail(Error::kMalformed);
      return false;
    }
    if (request_.headers.size() >= limits_.max_headers) {
      fail(Error::kHeadTooLarge);
      return false;
    }
    request_.headers.emplace_back(lowered(field.substr(0, colon)), std::string(trim_ows(field.substr(colon + 1))));
  }

  if (const std::string* te = request_.header("transfer-encoding")) {
    if (!equals_ignoring_case(trim_ows(*te), "chunked")) {
      fail(Error::kUnsupported);
      return false;
    }
    chunked_ = true;
  }
  if (const std::string* cl = request_.header("content-length")) {
    size_t length = 0;
    const std::string_view text = trim_ows(*cl);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (chunked_ || ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      fail(Error::kMalformed);  // both framings, or not a number (request smuggling)
      return false;
    }
    content_length_ = length;
  }
  if (const std::string* expect = request_.header("expect")) {
    expects_continue_ = equals_ignoring_case(trim_ows(*expect), "100-continue");
  }
  if (content_length_ && *content_length_ > limits_.max_body_bytes) {
    state_ = State::kBody;  // the head is usable for the answer
    fail(Error::kBodyTooLarge);
    return false;
  }
  state_ = (chunked_ || content_length_.value_or(0) > 0) ? State::kBody : State::kComplete;
  if (content_length_) request_.body.reserve(*content_length_);
  return true;
}

size_t HttpRequestParser::feed_body(std::string_view bytes) {
  const size_t want = *content_length_ - request_.body.size();
  const size_t take = std::min(want, bytes.size());
  request_.body.append(bytes.substr(0, take));
  if (request_.body.size() == *content_length_) state_ = State::kComplete;
  return take;
}

bool HttpRequestParser::take_line(std::string_view bytes, size_t& used, std::string& line, size_t limit) {
  const size_t nl = bytes.find('\n', used);
  const size_t end = nl == std::string_view::npos ? bytes.size() : nl + 1;
  if (line.size() + (end - used) > limit) {
    used = end;
    fail(Error::kHeadTooLarge);
    return false;
  }
  line.append(bytes.substr(used, end - used));
  used = end;
  return nl != std::string_view::npos;
}

size_t HttpRequestParser::feed_chunked(std::string_view bytes) {
  constexpr size_t kMaxChunkLine = 1024;
  size_t used = 0;
  while (used < bytes.size() && state_ == State::kBody) {
    switch (chunk_) {
      case Chunk::kSize: {
        if (!take_line(bytes, used, line_, kMaxChunkLine)) break;
        std::string_view size_text = trim_ows(std::string_view(line_).substr(0, line_.find_first_of(";\r\n")));
        size_t size = 0;
        const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) {
          fail(ec == std::errc::result_out_of_range ? Error::kBodyTooLarge : Error::kMalformed);
          break;
        }
        line_.clear();
        if (size == 0) {
          chunk_ = Chunk::kTrailer;
        } else if (size > limits_.max_body_bytes - request_.body.size()) {
          fail(Error::kBodyTooLarge);
        } else {
          chunk_left_ = size;
          chunk_ = Chunk::kData;
        }
        break;
      }
      case Chunk::kData: {
        const size_t take = std::min(chunk_left_, bytes.size() - used);
        request_.body.append(bytes.substr(used, take));
        used += take;
        chunk_left_ -= take;
        if (chunk_left_ == 0) chunk_ = Chunk::kDataEnd;
        break;
      }
      case Chunk::kDataEnd: {
        if (!take_line(bytes, used, line_, 2)) break;
        if (line_ != "\r\n" && line_ != "\n") fail(Error::kMalformed);
        line_.clear();
        chunk_ = Chunk::kSize;
        break;
      }
      case Chunk::kTrailer: {
        // Counted as they arrive, not per whole line: a line that came in pieces
        // counts in full, so the trailers' bound does not depend on the pieces.
        const size_t before = line_.size();
        const size_t room = limits_.max_head_bytes - std::min(limits_.max_head_bytes, trailer_bytes_);
        const bool whole_line = take_line(bytes, used, line_, before + room);
        if (state_ == State::kError) break;
        trailer_bytes_ += line_.size() - before;
        if (!whole_line) break;
        if (line_ == "\r\n" || line_ == "\n") state_ = State::kComplete;  // trailers are ignored
        line_.clear();
        break;
      }
    }
  }
  return used;
}

}  // namespace sweetspot::engine
