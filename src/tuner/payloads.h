// Payloads as Power Tuning takes them: one payload for every invoke, or weighted
// payloads [{"payload": ..., "weight": N}] spread over the invokes by weight.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sweetspot::tuner {

struct WeightedPayload {
  std::string payload = "{}";  // the JSON text sent as the event
  double weight = 1;
};

// A JSON document: an array of objects that each have "payload" and a positive
// "weight" is weighted payloads; anything else is the one payload.
util::Result<std::vector<WeightedPayload>> parse_payloads(std::string_view json_text, std::string_view origin);

// `num` payloads in order: each weighted payload gets floor(weight * num / total)
// invokes and the last one fills the remainder (Power Tuning's rule). Fails when
// num is too small to give every payload at least one invoke.
util::Result<std::vector<std::string>> expand_payloads(const std::vector<WeightedPayload>& payloads, int num);

}  // namespace sweetspot::tuner
