// Prints execution environments' logs (the function's output and START / END /
// REPORT) to a stream, one whole line at a time even when environments run
// concurrently.
#pragma once

#include <mutex>
#include <ostream>

#include "engine/engine_events.h"

namespace sweetspot::cli {

enum class LogPrefix { kNone, kEnvironmentId };

class LogPrinter : public engine::EngineEvents {
 public:
  LogPrinter(std::ostream& out, LogPrefix prefix) : out_(out), prefix_(prefix) {}
  void on_log(int environment_id, std::string_view line) override;

 private:
  std::ostream& out_;
  LogPrefix prefix_;
  std::mutex mutex_;
};

}  // namespace sweetspot::cli
