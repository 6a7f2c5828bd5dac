#include "engine/log_collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace sweetspot::engine {

util::Result<void> LogCollector::attach(util::UniqueFd read_end) {
  if (::fcntl(read_end.get(), F_SETFL, O_NONBLOCK) != 0) return util::fail_errno("cannot set up the log pipe");
  std::lock_guard lock(mutex_);
  read_end_ = std::move(read_end);
  partial_line_.clear();
  return {};
}

bool LogCollector::read_once() {
  char buffer[16384];
  std::lock_guard lock(mutex_);
  const ssize_t n = ::read(read_end_.get(), buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;  // EOF: every writer is gone
  consume(std::string_view(buffer, static_cast<size_t>(n)));
  return true;
}

void LogCollector::drain() {
  std::lock_guard lock(mutex_);
  if (!read_end_) return;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(read_end_.get(), buffer, sizeof buffer);  // non-blocking
    if (n <= 0) break;
    consume(std::string_view(buffer, static_cast<size_t>(n)));
  }
  if (!partial_line_.empty()) {
    partial_line_ += '\n';
    emit(partial_line_);
    partial_line_.clear();
  }
}

void LogCollector::detach() {
  drain();
  std::lock_guard lock(mutex_);
  read_end_.reset();
}

void LogCollector::begin_invoke() {
  std::lock_guard lock(mutex_);
  invoke_log_.clear();
}

void LogCollector::platform_lines(std::initializer_list<std::string_view> lines) {
  std::lock_guard lock(mutex_);
  for (std::string_view line : lines) emit(line);
}

std::string LogCollector::tail() const {
  std::lock_guard lock(mutex_);
  return invoke_log_.size() > kTailBytes ? invoke_log_.substr(invoke_log_.size() - kTailBytes) : invoke_log_;
}

void LogCollector::consume(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t room = kMaxLineBytes - partial_line_.size();
    const size_t nl = bytes.substr(0, room).find('\n');
    if (nl != std::string_view::npos) {
      partial_line_.append(bytes.substr(0, nl + 1));
      bytes.remove_prefix(nl + 1);
    } else if (bytes.size() >= room) {
      partial_line_.append(bytes.substr(0, room));  // a full line's worth without a newline: cut it here
      bytes.remove_prefix(room);
      partial_line_ += '\n';
    } else {
      partial_line_.append(bytes);
      return;
    }
    emit(partial_line_);
    partial_line_.clear();
  }
}

void LogCollector::emit(std::string_view line) {
  invoke_log_.append(line);
  // Trimmed now and then, not per line: the tail is cut exactly when asked for.
  if (invoke_log_.size() > 4 * kTailBytes) invoke_log_.erase(0, invoke_log_.size() - kTailBytes);
  if (events_ != nullptr) events_->on_log(environment_id_, line);
}

}  // namespace sweetspot::engine
