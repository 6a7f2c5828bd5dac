#include "tuner/pricing.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sweetspot::tuner {

namespace {

using nlohmann::json;

const char* arch_key(engine_api::Architecture arch) { return engine_api::to_string(arch); }

util::Result<double> number_at(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key)) return util::fail(fmt::format("{}: missing \"{}\"", where, key));
  const json& value = object.at(key);
  if (!value.is_number() || value.get<double>() < 0) {
    return util::fail(fmt::format("{}: \"{}\" must be a non-negative number", where, key));
  }
  return value.get<double>();
}

util::Result<Prices> parse_arch(const json& node, const std::string& where) {
  if (!node.is_object()) return util::fail(where + ": must be an object");
  Prices prices;
  if (!node.contains("gb_second_tiers") || !node["gb_second_tiers"].is_array() || node["gb_second_tiers"].empty()) {
    return util::fail(where + ": \"gb_second_tiers\" must be a non-empty array of {\"up_to_gb_seconds\", \"price\"}");
  }
  double previous_bound = 0;
  for (size_t i = 0; i < node["gb_second_tiers"].size(); ++i) {
    const json& tier = node["gb_second_tiers"][i];
    const std::string tier_where = fmt::format("{}.gb_second_tiers[{}]", where, i);
    if (!tier.is_object()) return util::fail(tier_where + ": must be an object");
    PriceTier parsed;
    auto price = number_at(tier, "price", tier_where);
    if (!price) return std::unexpected(price.error());
    parsed.price = *price;
    if (tier.contains("up_to_gb_seconds")) {
      auto bound = number_at(tier, "up_to_gb_seconds", tier_where);
      if (!bound) return std::unexpected(bound.error());
      if (*bound <= previous_bound) return util::fail(tier_where + ": tiers must be listed in increasing order");
      parsed.up_to_gb_seconds = previous_bound = *bound;
    } else if (i + 1 != node["gb_second_tiers"].size()) {
      return util::fail(tier_where + ": only the last tier may omit \"up_to_gb_seconds\"");
    }
    prices.gb_second_tiers.push_back(parsed);
  }
  auto request = number_at(node, "request", where);
  if (!request) return std::unexpected(request.error());
  prices.request = *request;
  auto storage = number_at(node, "ephemeral_storage_gb_second", where);
  if (!storage) return std::unexpected(storage.error());
  prices.storage_gb_second = *storage;
  return prices;
}

}  // namespace

util::Result<PriceTable> PriceTable::parse(std::string_view text, std::string origin) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return util::fail(fmt::format("{}: not a JSON object; see data/prices.json for the expected shape", origin));
  }
  if (!root.contains("regions") || !root["regions"].is_object() || root["regions"].empty()) {
    return util::fail(fmt::format("{}: needs a \"regions\" object mapping region names to prices", origin));
  }
  PriceTable table;
  table.origin_ = std::move(origin);
  table.default_region_ = root.value("default_region", std::string(root["regions"].begin().key()));
  table.root_ = root;
  // Validate every region and architecture now, so a bad file fails at start-up
  // with the entry named, not halfway through a run.
  for (const auto& [region, node] : root["regions"].items()) {
    for (auto arch : {engine_api::Architecture::kX86_64, engine_api::Architecture::kArm64}) {
      auto prices = table.lookup(region, arch);
      if (!prices) return std::unexpected(prices.error());
    }
  }
  if (!root["regions"].contains(table.default_region_)) {
    return util::fail(fmt::format("{}: default_region \"{}\" is not in \"regions\"", table.origin_, table.default_region_));
  }
  return table;
}

util::Result<PriceTable> PriceTable::builtin() {
  return parse(builtin_prices_json(), "built-in price table (data/prices.json)");
}

std::vector<std::string> PriceTable::regions() const {
  std::vector<std::string> names;
  for (const auto& [region, node] : root_["regions"].items()) names.push_back(region);
  return names;
}

util::Result<Prices> PriceTable::lookup(std::string_view region, engine_api::Architecture arch) const {
  const json& root = root_;
  const json& regions = root["regions"];
  const std::string name(region);
  if (!regions.contains(name)) {
    std::string known;
    for (const auto& r : regions.items()) known += (known.empty() ? "" : ", ") + r.key();
    return util::fail(fmt::format("no Lambda prices for region \"{}\" in the {} (it has {}); "
                                  "pass --prices @FILE with that region in the same shape",
                                  name, origin_, known));
  }
  const json* node = &regions[name];
  std::string where = fmt::format("{}: regions.{}", origin_, name);
  if (node->contains("same_as")) {
    const std::string set = node->value("same_as", "");
    if (!root.contains("price_sets") || !root["price_sets"].contains(set)) {
      return util::fail(fmt::format("{}: \"same_as\": \"{}\" names no entry of \"price_sets\"", where, set));
    }
    node = &root["price_sets"][set];
    where = fmt::format("{}: price_sets.{}", origin_, set);
  }
  if (!node->is_object() || !node->contains(arch_key(arch))) {
    return util::fail(fmt::format("{}: no prices for architecture {}", where, arch_key(arch)));
  }
  auto prices = parse_arch((*node)[arch_key(arch)], fmt::format("{}.{}", where, arch_key(arch)));
  if (!prices) return prices;
  prices->region = name;
  prices->architecture = arch;
  prices->source = origin_;
  if (root.contains("free_tier") && root["free_tier"].is_object()) {
    prices->free_requests_per_month = root["free_tier"].value("requests_per_month", 0.0);
    prices->free_gb_seconds_per_month = root["free_tier"].value("gb_seconds_per_month", 0.0);
  }
  return prices;
}

InvocationCost invocation_cost(const Prices& prices, int memory_mb, double billed_ms, int tmp_mb) {
  InvocationCost cost;
  const double seconds = billed_ms / 1000.0;
  cost.compute = memory_mb / 1024.0 * seconds * prices.gb_second();
  cost.request = prices.request;
  cost.storage = std::max(0, tmp_mb - 512) / 1024.0 * seconds * prices.storage_gb_second;
  return cost;
}

double power_tuning_price(const Prices& prices, int memory_mb, double average_duration_ms) {
  return std::ceil(average_duration_ms) / 1000.0 * memory_mb / 1024.0 * prices.gb_second();
}

}  // namespace sweetspot::tuner
