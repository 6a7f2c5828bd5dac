// The lifecycle of one execution environment, in Lambda's words, as an explicit
// state machine, and the one deadline of the invoke in progress.
//
//   INIT --init done--> FROZEN --event handed over--> INVOKE --result--> FROZEN
//   any --crash, timeout, out-of-memory, init error--> RESET
//   RESET --init started--> INIT   (an init retried inside the invoke)
//
// Lambda gives INIT its own 10 s; an init retried inside an invoke runs under the
// invoke's timeout, and the event that follows shares the same deadline.
#pragma once

#include <chrono>
#include <optional>

#include "util/clock.h"

namespace sweetspot::engine {

enum class Phase {
  kInit,    // the runtime starts and runs the function's static code, until its first /next
  kFrozen,  // warm, waiting for the next event; nothing of the function runs
  kInvoke,  // an event is handed over, the runtime works on it
  kReset,   // ended by a crash, timeout, out-of-memory or init error: a new environment is needed
};

enum class LifecycleEvent { kInitStarted, kInitDone, kInvokeStarted, kInvokeDone, kReset };

const char* phase_name(Phase phase);

class EnvironmentLifecycle {
 public:
  Phase phase() const { return phase_; }
  bool cold() const { return phase_ == Phase::kInit; }
  bool alive() const { return phase_ != Phase::kReset; }
  // Moves to the event's phase; false (and nothing changes) when the event
  // cannot happen in the current phase.
  bool on(LifecycleEvent event);

  // A new invoke: no deadline until its clock starts.
  void begin_invoke(std::chrono::microseconds timeout);
  // Starts the invoke's clock at `now` (an init retried inside it begun, or the
  // event handed over) and returns the deadline. Only the first call starts it:
  // the deadline is never renewed inside an invoke.
  util::Clock::time_point start_clock(util::Clock::time_point now);
  // Set once the clock started.
  std::optional<util::Clock::time_point> deadline() const { return deadline_; }
  // When the invoke's clock started (deadline - timeout); only after start_clock().
  util::Clock::time_point clock_started() const { return *deadline_ - timeout_; }

 private:
  Phase phase_ = Phase::kInit;
  std::chrono::microseconds timeout_{0};
  std::optional<util::Clock::time_point> deadline_;
};

// INIT's own limit: 10 s from the runtime's start.
util::Clock::time_point init_deadline(util::Clock::time_point spawned_at);

// A function's timeout (seconds, as configured) to the microsecond.
std::chrono::microseconds invoke_timeout(double timeout_s);

}  // namespace sweetspot::engine
