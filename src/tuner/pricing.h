// What Lambda charges, from a price table that is data (data/prices.json, built
// into the binary, or the user's --prices file), never constants in code: prices
// differ by region and architecture and change over time.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine_api/backend.h"
#include "util/error.h"

namespace sweetspot::tuner {

struct PriceTier {
  double up_to_gb_seconds = std::numeric_limits<double>::infinity();  // a month's usage
  double price = 0;                                                   // USD per GB-second
};

// The prices of one region and architecture.
struct Prices {
  std::string region;
  engine_api::Architecture architecture = engine_api::Architecture::kX86_64;
  std::vector<PriceTier> gb_second_tiers;  // first tier first
  double request = 0;                      // USD per request
  double storage_gb_second = 0;            // USD per GB-second of /tmp above 512 MB
  double free_requests_per_month = 0;
  double free_gb_seconds_per_month = 0;
  std::string source;  // where the table came from, for the output

  // One invocation is priced at the first tier: tiers depend on a whole month of
  // an account's usage, which one tuning run cannot know.
  double gb_second() const { return gb_second_tiers.empty() ? 0 : gb_second_tiers.front().price; }
};

class PriceTable {
 public:
  // Parses a table shaped like data/prices.json; `origin` names it in errors.
  static util::Result<PriceTable> parse(std::string_view json, std::string origin);
  // The table built into the binary from data/prices.json.
  static util::Result<PriceTable> builtin();

  util::Result<Prices> lookup(std::string_view region, engine_api::Architecture arch) const;
  const std::string& default_region() const { return default_region_; }
  std::vector<std::string> regions() const;

 private:
  std::string origin_;
  std::string default_region_;
  nlohmann::json root_;  // kept whole: lookups resolve `same_as` references
};

struct InvocationCost {
  double compute = 0;  // memory x billed duration x GB-second price
  double request = 0;
  double storage = 0;  // ephemeral storage above the free 512 MB, for the billed time
  double total() const { return compute + request + storage; }
};

// What Lambda charges for one invocation of `billed_ms` (already rounded up,
// init included for a cold start) at `memory_mb` with `tmp_mb` of /tmp.
InvocationCost invocation_cost(const Prices& prices, int memory_mb, double billed_ms, int tmp_mb = 512);

// Power Tuning's price of an average duration: ceil(ms) x memory x GB-s price,
// without request charge or storage. Kept for its `cost`/`averagePrice` fields so
// its users' tooling reads the same numbers it would have produced.
double power_tuning_price(const Prices& prices, int memory_mb, double average_duration_ms);

// The built-in table's JSON text (generated from data/prices.json at build time).
std::string_view builtin_prices_json();

}  // namespace sweetspot::tuner
