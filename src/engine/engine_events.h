// The engine never prints: what it has to say goes through this interface, and
// the command line decides where it ends up.
#pragma once

#include <string_view>

namespace sweetspot::engine {

class EngineEvents {
 public:
  virtual ~EngineEvents() = default;
  // One line of an execution environment's log, ending in '\n': the function's
  // own output and the platform's START / END / REPORT lines, in order.
  // Called from several threads when environments run concurrently.
  virtual void on_log(int /*environment_id*/, std::string_view /*line*/) {}
};

}  // namespace sweetspot::engine
