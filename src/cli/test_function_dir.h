// For end-to-end tests: one function's code laid out beside the build (not under
// /tmp, which each execution environment replaces with its own).
#pragma once

#include <filesystem>
#include <string>

#include "util/testing/test_files.h"

namespace sweetspot::cli::test_support {

class FunctionDir {
 public:
  FunctionDir() : tree_(base()) {}
  std::filesystem::path write(const std::string& relative, const std::string& content) {
    return tree_.write(relative, content);
  }
  std::filesystem::path path() const { return tree_.root(); }

 private:
  static std::filesystem::path base() {
    const std::filesystem::path dir = std::filesystem::path(SWEETSPOT_BINARY_DIR) / "test-functions";
    std::filesystem::create_directories(dir);
    return dir;
  }
  util::test_support::TempTree tree_;
};

}  // namespace sweetspot::cli::test_support
