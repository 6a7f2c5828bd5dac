#include "tuner/payloads.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sweetspot::tuner {

util::Result<std::vector<WeightedPayload>> parse_payloads(std::string_view json_text, std::string_view origin) {
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return util::fail(fmt::format("{}: not valid JSON; a payload must be a JSON document", origin));
  }
  const bool weighted = doc.is_array() && !doc.empty() && std::all_of(doc.begin(), doc.end(), [](const auto& item) {
    return item.is_object() && item.contains("payload") && item.contains("weight");
  });
  if (!weighted) return std::vector<WeightedPayload>{{doc.dump(), 1}};
  std::vector<WeightedPayload> payloads;
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& weight = doc[i]["weight"];
    if (!weight.is_number() || !(weight.get<double>() > 0) || !std::isfinite(weight.get<double>())) {
      return util::fail(fmt::format("{}: item {} has weight {}; weights must be positive numbers", origin, i, weight.dump()));
    }
    const auto& payload = doc[i]["payload"];
    // A string payload that is itself JSON is sent as that JSON (Power Tuning does the same).
    std::string text = payload.dump();
    if (payload.is_string()) {
      const auto inner = nlohmann::json::parse(payload.get<std::string>(), nullptr, false);
      if (!inner.is_discarded()) text = payload.get<std::string>();
    }
    payloads.push_back({std::move(text), weight.get<double>()});
  }
  return payloads;
}

util::Result<std::vector<std::string>> expand_payloads(const std::vector<WeightedPayload>& payloads, int num) {
  if (payloads.empty()) return std::vector<std::string>(static_cast<size_t>(num), "{}");
  if (num < static_cast<int>(payloads.size())) {
    return util::fail(fmt::format("{} weighted payloads need at least {} invocations per size; raise --num",
                                  payloads.size(), payloads.size()));
  }
  double total = 0;
  for (const auto& p : payloads) total += p.weight;
  std::vector<std::string> out;
  for (size_t i = 0; i < payloads.size(); ++i) {
    // Huge weights overflow to infinity, and converting that to int is undefined.
    const double share = std::floor(payloads[i].weight * num / total);
    if (!std::isfinite(share)) {
      return util::fail(fmt::format("payload {} has weight {}: the weights are too large to add up; use smaller ones",
                                    i, payloads[i].weight));
    }
    int count = static_cast<int>(share);
    if (count < 1) {
      return util::fail(fmt::format("payload {} (weight {}) gets no invocation out of {}; raise --num or its weight",
                                    i, payloads[i].weight, num));
    }
    if (i + 1 == payloads.size()) count = num - static_cast<int>(out.size());
    out.insert(out.end(), static_cast<size_t>(count), payloads[i].payload);
  }
  return out;
}

}  // namespace sweetspot::tuner
