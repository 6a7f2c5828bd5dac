#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sweetspot::util {

std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
bool starts_with_ci(std::string_view s, std::string_view prefix);
// 1234567 -> "1,234,567": figures people read in a table.
std::string with_thousands(long long value);
// {128, 256, 1024} -> "128, 256 and 1,024": sizes listed in a sentence.
std::string with_thousands_list(const std::vector<int>& values);

}  // namespace sweetspot::util
