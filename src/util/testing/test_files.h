// Helpers for tests that lay out a function's files: a private temporary
// folder removed afterwards, and the message of an expected error.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/error.h"

namespace sweetspot::util::test_support {

class TempTree {
 public:
  // `base` must exist (code, layers and runtimes may live anywhere, /tmp too: an
  // environment mounts them at /var/task, /opt and /var/runtime before its
  // private /tmp hides the host's).
  explicit TempTree(const std::filesystem::path& base = std::filesystem::temp_directory_path()) {
    std::string pattern = (base / "sweetspot-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~TempTree() { std::filesystem::remove_all(root_); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path operator/(const std::string& relative) const { return root_ / relative; }

  // Writes root/relative (creating folders); `executable` adds the owner's x bit.
  std::filesystem::path write(const std::string& relative, const std::string& content = "",
                              bool executable = false) const {
    const std::filesystem::path p = root_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
    if (executable) {
      std::filesystem::permissions(p, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
    }
    return p;
  }

 private:
  std::filesystem::path root_;
};

// The message of a failed Result; a test failure when it did not fail.
template <typename T>
std::string error_of(const util::Result<T>& result) {
  if (result) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return result.error().message;
}

}  // namespace sweetspot::util::test_support
