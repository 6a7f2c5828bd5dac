#include "tuner/pricing.h"

#include <gtest/gtest.h>

namespace sweetspot::tuner {
namespace {

using engine_api::Architecture;

Prices us_east_1(Architecture arch = Architecture::kX86_64) {
  auto table = PriceTable::builtin();
  EXPECT_TRUE(table.has_value()) << table.error().message;
  auto prices = table->lookup("us-east-1", arch);
  EXPECT_TRUE(prices.has_value()) << prices.error().message;
  return *prices;
}

TEST(Pricing, BuiltinTableHasFactsPricesForUsEast1) {
  const Prices x86 = us_east_1();
  EXPECT_DOUBLE_EQ(x86.gb_second(), 0.0000166667);
  ASSERT_EQ(x86.gb_second_tiers.size(), 3u);
  EXPECT_DOUBLE_EQ(x86.gb_second_tiers[0].up_to_gb_seconds, 6e9);
  EXPECT_DOUBLE_EQ(x86.gb_second_tiers[1].price, 0.000015);
  EXPECT_DOUBLE_EQ(x86.request, 0.2 / 1e6);
  EXPECT_DOUBLE_EQ(x86.free_gb_seconds_per_month, 400000);
  const Prices arm = us_east_1(Architecture::kArm64);
  EXPECT_DOUBLE_EQ(arm.gb_second(), 0.0000133334);
  EXPECT_DOUBLE_EQ(arm.gb_second_tiers[0].up_to_gb_seconds, 7.5e9);
}

TEST(Pricing, InvocationCostByHand) {
  const Prices p = us_east_1();
  // 1 GB for 1 s = 1 GB-s.
  const InvocationCost one = invocation_cost(p, 1024, 1000);
  EXPECT_NEAR(one.compute, 0.0000166667, 1e-15);
  EXPECT_NEAR(one.total(), 0.0000166667 + 0.0000002, 1e-15);
  EXPECT_DOUBLE_EQ(one.storage, 0);
  // 128 MB for 100 ms = 0.125 GB x 0.1 s = 0.0125 GB-s.
  EXPECT_NEAR(invocation_cost(p, 128, 100).compute, 0.0125 * 0.0000166667, 1e-18);
  // 1,024 MB of /tmp: 512 MB above the free part, for 1 s = 0.5 GB-s of storage.
  EXPECT_NEAR(invocation_cost(p, 1024, 1000, 1024).storage, 0.5 * 0.0000000309, 1e-18);
}

TEST(Pricing, PowerTuningPriceRoundsTheAverageUpAndIgnoresRequests) {
  const Prices p = us_east_1();
  // ceil(99.2) = 100 ms at 1 GB: 0.1 GB-s.
  EXPECT_NEAR(power_tuning_price(p, 1024, 99.2), 0.1 * 0.0000166667, 1e-18);
}

TEST(Pricing, UnknownRegionSaysHowToAddIt) {
  auto table = PriceTable::builtin();
  ASSERT_TRUE(table.has_value());
  auto prices = table->lookup("mars-north-1", Architecture::kX86_64);
  ASSERT_FALSE(prices.has_value());
  EXPECT_NE(prices.error().message.find("mars-north-1"), std::string::npos);
  EXPECT_NE(prices.error().message.find("--prices"), std::string::npos);
}

TEST(Pricing, UserTableOverridesWithInlinePrices) {
  const char* json = R"({"default_region": "xx-test-1", "regions": {"xx-test-1": {
      "x86_64": {"gb_second_tiers": [{"price": 0.00002}], "request": 0.0000003, "ephemeral_storage_gb_second": 0},
      "arm64": {"gb_second_tiers": [{"price": 0.00001}], "request": 0.0000003, "ephemeral_storage_gb_second": 0}}}})";
  auto table = PriceTable::parse(json, "test.json");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->default_region(), "xx-test-1");
  auto prices = table->lookup("xx-test-1", Architecture::kArm64);
  ASSERT_TRUE(prices.has_value());
  EXPECT_DOUBLE_EQ(prices->gb_second(), 0.00001);
  EXPECT_NEAR(invocation_cost(*prices, 2048, 500).total(), 2 * 0.5 * 0.00001 + 0.0000003, 1e-15);
}

TEST(Pricing, BadTablesNameTheProblem) {
  auto missing = PriceTable::parse(
      R"({"regions": {"r": {"x86_64": {"gb_second_tiers": [{"price": 1}], "ephemeral_storage_gb_second": 0},
                            "arm64": {"gb_second_tiers": [{"price": 1}], "request": 0, "ephemeral_storage_gb_second": 0}}}})",
      "mine.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("\"request\""), std::string::npos);
  EXPECT_NE(missing.error().message.find("mine.json"), std::string::npos);
  auto unordered = PriceTable::parse(
      R"({"regions": {"r": {"x86_64": {"gb_second_tiers": [{"up_to_gb_seconds": 10, "price": 1}, {"up_to_gb_seconds": 5, "price": 1}, {"price": 1}], "request": 0, "ephemeral_storage_gb_second": 0}}}})",
      "mine.json");
  ASSERT_FALSE(unordered.has_value());
  EXPECT_NE(unordered.error().message.find("increasing"), std::string::npos);
  EXPECT_FALSE(PriceTable::parse("not json", "x").has_value());
}

}  // namespace
}  // namespace sweetspot::tuner
