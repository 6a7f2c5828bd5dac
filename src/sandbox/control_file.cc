#include "sandbox/control_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <limits>

namespace sweetspot::sandbox {
namespace {

int open_flags(ControlFile::Mode mode) {
  switch (mode) {
    case ControlFile::Mode::kRead: return O_RDONLY | O_CLOEXEC;
    case ControlFile::Mode::kWrite: return O_WRONLY | O_CLOEXEC;
    case ControlFile::Mode::kReadWrite: return O_RDWR | O_CLOEXEC;
  }
  return O_RDONLY | O_CLOEXEC;
}

std::optional<int64_t> parse_int(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  if (text.starts_with("max")) return std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

}  // namespace

util::Result<ControlFile> ControlFile::open(const std::filesystem::path& path, Mode mode) {
  util::UniqueFd fd(::open(path.c_str(), open_flags(mode)));
  if (!fd) return util::fail_errno("cannot open " + path.string());
  return ControlFile(std::move(fd), path);
}

util::Result<ControlFile> ControlFile::open_if_present(const std::filesystem::path& path, Mode mode) {
  util::UniqueFd fd(::open(path.c_str(), open_flags(mode)));
  if (!fd) {
    if (errno == ENOENT) return ControlFile();
    return util::fail_errno("cannot open " + path.string());
  }
  return ControlFile(std::move(fd), path);
}

util::Result<size_t> ControlFile::read(char* buffer, size_t size) const {
  // cgroupfs regenerates the content on every read at offset 0.
  ssize_t n;
  do {
    n = ::pread(fd_.get(), buffer, size, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return util::fail_errno("cannot read " + path_.string());
  return static_cast<size_t>(n);
}

util::Result<int64_t> ControlFile::read_int() const {
  char buffer[64];
  auto n = read(buffer, sizeof buffer);
  if (!n) return std::unexpected(n.error());
  auto value = parse_int(std::string_view(buffer, *n));
  if (!value) return util::fail("unexpected content in " + path_.string());
  return *value;
}

util::Result<int64_t> ControlFile::read_keyed(std::string_view key) const {
  char buffer[1024];
  auto n = read(buffer, sizeof buffer);
  if (!n) return std::unexpected(n.error());
  auto value = keyed_value(std::string_view(buffer, *n), key);
  if (!value) return util::fail("no '" + std::string(key) + "' in " + path_.string());
  return *value;
}

util::Result<void> ControlFile::write(std::string_view value) const {
  ssize_t n;
  do {
    n = ::pwrite(fd_.get(), value.data(), value.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0 || static_cast<size_t>(n) != value.size()) {
    return util::fail_errno("cannot write '" + std::string(value) + "' to " + path_.string());
  }
  return {};
}

std::optional<int64_t> keyed_value(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ') {
      return parse_int(line.substr(key.size() + 1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

util::Result<std::string> read_control_file(const std::filesystem::path& path) {
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return util::fail_errno("cannot open " + path.string());
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return util::fail_errno("cannot read " + path.string());
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace sweetspot::sandbox
