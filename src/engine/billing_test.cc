#include "engine/billing.h"

#include <gtest/gtest.h>

namespace sweetspot::engine {
namespace {

TEST(Billing, RoundsUpToTheNextMillisecond) {
  EXPECT_EQ(billed_duration_ms(102.25, std::nullopt), 103);
  EXPECT_EQ(billed_duration_ms(102.0, std::nullopt), 102);
  EXPECT_EQ(billed_duration_ms(0.01, std::nullopt), 1);
}

TEST(Billing, ColdInvokeBillsInitToo) {
  // FACTS.md: a cold invoke bills ceil(init + duration).
  EXPECT_EQ(billed_duration_ms(102.25, 150.23), 253);
  EXPECT_EQ(billed_duration_ms(0.5, 0.5), 1);
}

TEST(Billing, FloatNoiseDoesNotAddAMillisecond) { EXPECT_EQ(billed_duration_ms(1.1 + 0.9, std::nullopt), 2); }

TEST(Billing, ReportedMemoryCountsPartialMegabytes) {
  EXPECT_EQ(bytes_to_reported_mb(0), 0);
  EXPECT_EQ(bytes_to_reported_mb(1), 1);
  EXPECT_EQ(bytes_to_reported_mb(70ll << 20), 70);
  EXPECT_EQ(bytes_to_reported_mb((70ll << 20) + 1), 71);
}

}  // namespace
}  // namespace sweetspot::engine
