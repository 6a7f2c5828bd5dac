#include "aws/ini.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/strings.h"

namespace sweetspot::aws {

util::Result<IniFile> parse_ini(std::string_view text, std::string_view origin) {
  IniFile file;
  IniSection* section = nullptr;
  std::string* last_value = nullptr;
  int number = 0;
  for (const std::string& raw : util::split(text, '\n')) {
    ++number;
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view content = util::trim(line);
    if (content.empty() || content.front() == '#' || content.front() == ';') continue;
    const bool indented = line.front() == ' ' || line.front() == '\t';
    if (indented && last_value != nullptr) {
      // A nested setting (e.g. `s3 =` followed by indented lines): kept as text.
      *last_value += "\n" + std::string(content);
      continue;
    }
    if (content.front() == '[') {
      if (content.back() != ']' || content.size() < 3) {
        return util::fail(fmt::format("{} line {}: a section header must look like [name]", origin, number));
      }
      const std::string name(util::trim(content.substr(1, content.size() - 2)));
      if (name.empty()) return util::fail(fmt::format("{} line {}: the section has no name", origin, number));
      section = &file[name];
      last_value = nullptr;
      continue;
    }
    const size_t sep = content.find_first_of("=:");
    if (sep == std::string_view::npos || sep == 0) {
      return util::fail(fmt::format("{} line {}: expected `key = value` or a [section] header", origin, number));
    }
    if (section == nullptr) {
      return util::fail(fmt::format("{} line {}: a setting before the first [section] header", origin, number));
    }
    std::string key(util::trim(content.substr(0, sep)));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string& value = (*section)[key];
    value = std::string(util::trim(content.substr(sep + 1)));
    last_value = &value;
  }
  return file;
}

}  // namespace sweetspot::aws
