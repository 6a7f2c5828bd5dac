#include "cli/option_checks.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "util/strings.h"

namespace sweetspot::cli {
namespace {

std::string range_words(const std::string& min, const std::string& max, const std::string& unit) {
  return fmt::format("from {} to {}{}{}", min, max, unit.empty() ? "" : " ", unit);
}

std::string or_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

CLI::Validator whole_number(long long min, long long max, const std::string& unit) {
  const std::string range = range_words(fmt::format("{}", min), fmt::format("{}", max), unit);
  return CLI::Validator(
      [min, max, range](std::string& value) -> std::string {
        long long n = 0;
        const std::string_view text = util::trim(value);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
          return fmt::format("\"{}\" is not a whole number: use one {}", value, range);
        }
        if (n < min || n > max) return fmt::format("{} is out of range: use a whole number {}", value, range);
        return "";
      },
      range);
}

CLI::Validator decimal_number(double min, double max, const std::string& unit) {
  const std::string range = range_words(fmt::format("{}", min), fmt::format("{}", max), unit);
  return CLI::Validator(
      [min, max, range](std::string& value) -> std::string {
        double x = 0;
        const std::string_view text = util::trim(value);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x)) {
          return fmt::format("\"{}\" is not a number: use one {}", value, range);
        }
        if (x < min || x > max) return fmt::format("{} is out of range: use a number {}", value, range);
        return "";
      },
      range);
}

CLI::Validator one_of(std::vector<std::string> names) {
  const std::string words = or_list(names);
  return CLI::Validator(
      [names, words](std::string& value) -> std::string {
        for (const auto& name : names) {
          if (value == name) return "";
        }
        return fmt::format("\"{}\" is not accepted: use {}", value, words);
      },
      words);
}

std::string failure_message(const CLI::App& app, const CLI::Error& error) {
  const auto commands = app.get_subcommands();
  if (commands.empty()) return fmt::format("sweetspot: error: {}\n\n{}", error.what(), app.help());
  return fmt::format("sweetspot: error: {}\nSee: sweetspot {} --help\n", error.what(), commands.front()->get_name());
}

}  // namespace sweetspot::cli
