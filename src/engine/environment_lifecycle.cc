#include "engine/environment_lifecycle.h"

#include <cmath>

#include "engine_api/lambda_limits.h"

namespace sweetspot::engine {

using engine_api::kInitLimitS;

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kInit: return "INIT";
    case Phase::kFrozen: return "FROZEN";
    case Phase::kInvoke: return "INVOKE";
    case Phase::kReset: return "RESET";
  }
  return "?";
}

bool EnvironmentLifecycle::on(LifecycleEvent event) {
  std::optional<Phase> next;
  switch (event) {
    case LifecycleEvent::kInitStarted:
      if (phase_ == Phase::kInit || phase_ == Phase::kReset) next = Phase::kInit;
      break;
    case LifecycleEvent::kInitDone:
      if (phase_ == Phase::kInit) next = Phase::kFrozen;
      break;
    case LifecycleEvent::kInvokeStarted:
      if (phase_ == Phase::kFrozen) next = Phase::kInvoke;
      break;
    case LifecycleEvent::kInvokeDone:
      if (phase_ == Phase::kInvoke) next = Phase::kFrozen;
      break;
    case LifecycleEvent::kReset: next = Phase::kReset; break;
  }
  if (!next) return false;
  phase_ = *next;
  return true;
}

void EnvironmentLifecycle::begin_invoke(std::chrono::microseconds timeout) {
  timeout_ = timeout;
  deadline_.reset();
}

util::Clock::time_point EnvironmentLifecycle::start_clock(util::Clock::time_point now) {
  if (!deadline_) deadline_ = now + timeout_;
  return *deadline_;
}

util::Clock::time_point init_deadline(util::Clock::time_point spawned_at) {
  return spawned_at + std::chrono::milliseconds(static_cast<int64_t>(kInitLimitS * 1000));
}

std::chrono::microseconds invoke_timeout(double timeout_s) {
  return std::chrono::microseconds(static_cast<int64_t>(std::llround(timeout_s * 1e6)));
}

}  // namespace sweetspot::engine
