// The function's stdout and stderr (one pipe) into Lambda's log lines, in order
// with the platform's START / END / REPORT lines, and each invoke's tail for its
// record. Bounded everywhere: a line is cut at CloudWatch's largest event, the
// tail keeps only its last bytes, so a function cannot grow sweetspot's memory.
#pragma once

#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/engine_events.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace sweetspot::engine {

class LogCollector {
 public:
  // A runtime writing without a newline still gets its output cut into lines of
  // at most this much (CloudWatch's largest log event is 256 KB).
  static constexpr size_t kMaxLineBytes = 256 * 1024;
  // What an Invocation record keeps of its invoke's log.
  static constexpr size_t kTailBytes = 4096;

  LogCollector(EngineEvents* events, int environment_id) : events_(events), environment_id_(environment_id) {}

  // The read end of the runtime's log pipe, made non-blocking here (the
  // runtime's writes still block on a full pipe, as on Lambda).
  util::Result<void> attach(util::UniqueFd read_end);
  int fd() const { return read_end_.get(); }

  // One read (the Runtime API server's thread calls it when the pipe is
  // readable): false once every writer is gone or the pipe failed.
  bool read_once();
  // Everything in the pipe now, then an unfinished line ended: the runtime's
  // output written before it posted its result comes before END and REPORT.
  void drain();
  // drain(), then the pipe is closed.
  void detach();

  // A new invoke: its tail starts empty.
  void begin_invoke();
  // Platform lines (each ending in '\n'), written together: no line of the
  // function's comes between them.
  void platform_lines(std::initializer_list<std::string_view> lines);
  // The last kTailBytes of this invoke's lines.
  std::string tail() const;

 private:
  void consume(std::string_view bytes);  // log_mutex_ held
  void emit(std::string_view line);      // log_mutex_ held

  EngineEvents* events_;
  int environment_id_;
  util::UniqueFd read_end_;
  mutable std::mutex mutex_;
  std::string partial_line_;
  std::string invoke_log_;
};

}  // namespace sweetspot::engine
