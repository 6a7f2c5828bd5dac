// Prints execution environments' logs (the function's output and START / END /
// REPORT) to a stream, one whole line at a time even when environments run
// concurrently.
#pragma once

#include <mutex>
#include <ostream>
#include <string>

#include "engine/engine_events.h"

namespace sweetspot::cli {

enum class LogPrefix { kNone, kEnvironmentId };

class LogPrinter : public engine::EngineEvents {
 public:
  LogPrinter(std::ostream& out, LogPrefix prefix) : out_(out), prefix_(prefix) {}
  void on_log(int environment_id, std::string_view line) override;

  // A line printed under every REPORT line, for what makes that REPORT differ from
  // Lambda's (limits not enforced, another runtime version); empty: none.
  void set_report_note(std::string note) { report_note_ = std::move(note); }

 private:
  std::ostream& out_;
  LogPrefix prefix_;
  std::string report_note_;
  std::mutex mutex_;
};

}  // namespace sweetspot::cli
