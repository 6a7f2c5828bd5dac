#include "engine/invocation.h"

#include "engine/backend.h"

namespace sweetspot::engine {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFunctionError: return "function error";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kOutOfMemory: return "out of memory";
    case Outcome::kRuntimeExit: return "runtime exit";
    case Outcome::kInitError: return "init error";
    case Outcome::kPayloadTooLarge: return "payload too large";
    case Outcome::kInvokeFailed: return "invoke failed";
  }
  return "unknown";
}

const char* to_string(StartKind start) { return start == StartKind::kCold ? "cold" : "warm"; }

const char* to_string(Architecture arch) { return arch == Architecture::kArm64 ? "arm64" : "x86_64"; }

}  // namespace sweetspot::engine
