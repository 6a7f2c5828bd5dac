#include "tuner/payloads.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sweetspot::tuner {
namespace {

TEST(Payloads, OnePayloadIsRepeated) {
  auto parsed = parse_payloads(R"({"key": "value"})", "--payload");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 1u);
  auto expanded = expand_payloads(*parsed, 3);
  ASSERT_TRUE(expanded.has_value());
  EXPECT_EQ(*expanded, std::vector<std::string>(3, R"({"key":"value"})"));
}

TEST(Payloads, WeightsSplitInvokesAndTheLastFillsTheRest) {
  auto parsed = parse_payloads(R"([{"payload": {"a": 1}, "weight": 1}, {"payload": {"b": 2}, "weight": 3}])", "f");
  ASSERT_TRUE(parsed.has_value());
  // num 10, total 4: floor(1 * 10 / 4) = 2 of a, the remaining 8 of b.
  auto expanded = expand_payloads(*parsed, 10);
  ASSERT_TRUE(expanded.has_value());
  EXPECT_EQ(std::count(expanded->begin(), expanded->end(), R"({"a":1})"), 2);
  EXPECT_EQ(std::count(expanded->begin(), expanded->end(), R"({"b":2})"), 8);
}

TEST(Payloads, StringPayloadHoldingJsonIsSentAsThatJson) {
  auto parsed = parse_payloads(R"([{"payload": "{\"x\": 1}", "weight": 1}])", "f");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)[0].payload, R"({"x": 1})");
}

TEST(Payloads, TooFewInvokesForTheWeightsIsAnError) {
  auto parsed = parse_payloads(R"([{"payload": 1, "weight": 1}, {"payload": 2, "weight": 100}])", "f");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(expand_payloads(*parsed, 1).has_value());  // fewer invokes than payloads
  auto starved = expand_payloads(*parsed, 10);             // floor(1 * 10 / 101) = 0
  ASSERT_FALSE(starved.has_value());
  EXPECT_NE(starved.error().message.find("--num"), std::string::npos);
}

// Found by fuzz/fuzz_payloads: weights whose sum overflows to infinity made the
// share of each payload NaN, and converting it to an int was undefined.
TEST(Payloads, WeightsTooLargeToAddUpAreAnError) {
  auto parsed = parse_payloads(R"([{"payload": 1, "weight": 1e308}, {"payload": 2, "weight": 1e308}])", "f");
  ASSERT_TRUE(parsed.has_value());
  auto expanded = expand_payloads(*parsed, 4);
  ASSERT_FALSE(expanded.has_value());
  EXPECT_NE(expanded.error().message.find("too large"), std::string::npos) << expanded.error().message;
}

TEST(Payloads, BadJsonAndBadWeightsAreErrors) {
  EXPECT_FALSE(parse_payloads("{oops", "payloads.json").has_value());
  auto negative = parse_payloads(R"([{"payload": 1, "weight": -2}])", "payloads.json");
  ASSERT_FALSE(negative.has_value());
  EXPECT_NE(negative.error().message.find("payloads.json"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::tuner
