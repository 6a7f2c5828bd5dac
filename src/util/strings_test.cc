#include "util/strings.h"

#include <gtest/gtest.h>

namespace sweetspot::util {
namespace {

TEST(Strings, TrimRemovesSurroundingSpace) { EXPECT_EQ(trim("  a b \n"), "a b"); }

TEST(Strings, SplitKeepsEmptyFields) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Strings, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(1769), "1,769");
  EXPECT_EQ(with_thousands(-1234567), "-1,234,567");
  EXPECT_EQ(with_thousands_list({}), "");
  EXPECT_EQ(with_thousands_list({1769}), "1,769");
  EXPECT_EQ(with_thousands_list({128, 256, 10240}), "128, 256 and 10,240");
}

}  // namespace
}  // namespace sweetspot::util
