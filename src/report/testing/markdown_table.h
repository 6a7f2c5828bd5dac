// Reads Markdown tables back for the renderers' tests, independently of the writer.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "util/strings.h"

namespace sweetspot::report::testing {

// The cells of every table row ("| a | b |", header rows too, not the |---| rules)
// in `md`, trimmed; `\|` does not split a cell.
inline std::vector<std::vector<std::string>> markdown_rows(const std::string& md) {
  std::istringstream in(md);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| ")) continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        cells.push_back(std::string(util::trim(cell)));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace sweetspot::report::testing
