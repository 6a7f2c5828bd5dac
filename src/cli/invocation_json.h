#pragma once

#include <nlohmann/json.hpp>

#include "engine/invocation.h"

namespace sweetspot::cli {

// One invoke as a JSON record (`invoke --json`): the response is embedded as JSON
// when it is JSON, else as a string when it is UTF-8 text; other bytes are carried
// unchanged in "responseBase64" (and "response" is null). Lambda returns such
// bytes as they are; so does the record. Likewise the error's "body"/"bodyBase64".
nlohmann::json invocation_to_json(const engine::Invocation& inv);
// The record as one line of JSON text; never throws on the function's bytes.
std::string invocation_json_line(const engine::Invocation& inv);

}  // namespace sweetspot::cli
