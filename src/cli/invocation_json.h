#pragma once

#include <nlohmann/json.hpp>

#include "engine/invocation.h"

namespace sweetspot::cli {

// One invoke as a JSON record (`invoke --json`): the response is embedded as JSON
// when it is JSON, else as a string.
nlohmann::json invocation_to_json(const engine::Invocation& inv);

}  // namespace sweetspot::cli
