// A cgroupfs file kept open so that the hot path (usage twice per invoke, thaw on
// every warm invoke) is one pread/write syscall with no path lookup or allocation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"
#include "util/unique_fd.h"

namespace sweetspot::sandbox {

class ControlFile {
 public:
  enum class Mode { kRead, kWrite, kReadWrite };

  ControlFile() = default;
  static util::Result<ControlFile> open(const std::filesystem::path& path, Mode mode);
  // Like open(), but a missing file (an older kernel, an optional feature) is not an
  // error: the result is then a closed ControlFile.
  static util::Result<ControlFile> open_if_present(const std::filesystem::path& path, Mode mode);

  bool is_open() const { return static_cast<bool>(fd_); }
  const std::filesystem::path& path() const { return path_; }

  // Reads the whole (small) file from offset 0 into `buffer`, returns its length.
  util::Result<size_t> read(char* buffer, size_t size) const;
  // The file's first integer ("max" reads as INT64_MAX).
  util::Result<int64_t> read_int() const;
  // The integer that follows `key` + space on some line ("oom_kill 3").
  util::Result<int64_t> read_keyed(std::string_view key) const;
  util::Result<void> write(std::string_view value) const;

 private:
  ControlFile(util::UniqueFd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  util::UniqueFd fd_;
  std::filesystem::path path_;
};

// Parses the integer that follows `key` and a space at the start of a line of
// `text`, e.g. keyed_value("usage_usec 12\nuser_usec 3\n", "user_usec") == 3.
std::optional<int64_t> keyed_value(std::string_view text, std::string_view key);

// Reads a small control file by path (not on a hot path).
util::Result<std::string> read_control_file(const std::filesystem::path& path);

}  // namespace sweetspot::sandbox
