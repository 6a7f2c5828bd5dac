// The platform's log lines around each invoke, byte for byte as Lambda prints
// them: fields separated by a TAB, each field followed by a TAB (FACTS.md).
#pragma once

#include <string>
#include <string_view>

#include "engine_api/invocation.h"

namespace sweetspot::engine {

// `version` is the one that runs: $LATEST, or the number a version or alias resolved to.
std::string start_line(std::string_view request_id, std::string_view version = "$LATEST");
std::string end_line(std::string_view request_id);
// Init Duration appears only on a cold invoke, and comes last.
std::string report_line(const engine_api::Invocation& invocation);
// "<iso time> <request id> Task timed out after 3.00 seconds"
std::string timeout_line(std::string_view request_id, double timeout_s);
std::string timeout_message(double timeout_s);

}  // namespace sweetspot::engine
