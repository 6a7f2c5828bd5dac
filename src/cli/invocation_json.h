#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine_api/invocation.h"

namespace sweetspot::cli {

// One invoke as a JSON record (`invoke --json`): the response is embedded as JSON
// when it is JSON, else as a string when it is UTF-8 text; other bytes are carried
// unchanged in "responseBase64" (and "response" is null). Lambda returns such
// bytes as they are; so does the record. Likewise the error's "body"/"bodyBase64".
nlohmann::json invocation_to_json(const engine_api::Invocation& inv);
// The record as one line of JSON text; never throws on the function's bytes.
// `notes` (what the run's REPORT lines are marked with, e.g. which interpreter
// really ran, or --no-limits) go in "notes" when there are any.
std::string invocation_json_line(const engine_api::Invocation& inv, const std::vector<std::string>& notes = {});

}  // namespace sweetspot::cli
