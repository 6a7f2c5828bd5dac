#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "util/interrupt.h"
#include "util/unique_fd.h"

namespace sweetspot::util {

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail_errno("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  // fmt rather than "." + string: GCC 12's -Wrestrict misfires on that
  // operator+ (a false positive in libstdc++'s inlined insert, GCC PR 105329).
  std::string tmpl = (dir / fmt::format(".{}.XXXXXX", path.filename().string())).string();
  UniqueFd fd(::mkstemp(tmpl.data()));
  if (!fd) return fail_errno("cannot create a file in " + dir.string());
  const std::filesystem::path tmp = tmpl;
  // An interrupt between here and the rename removes the half-written file.
  CleanupHook remove_tmp([tmp] { std::error_code ec; std::filesystem::remove(tmp, ec); });
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = fail_errno("cannot write " + path.string());
      remove_tmp.run_now();
      return err;
    }
    done += static_cast<size_t>(n);
  }
  ::fchmod(fd.get(), 0644);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    auto err = fail_errno("cannot write " + path.string());
    remove_tmp.run_now();
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = fail_errno("cannot rename into " + path.string());
    remove_tmp.run_now();
    return err;
  }
  remove_tmp.dismiss();
  return {};
}

Result<void> write_control_file(const std::filesystem::path& path, std::string_view value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_errno("cannot open " + path.string());
  const ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0 || static_cast<size_t>(n) != value.size()) {
    return fail_errno("cannot write '" + std::string(value) + "' to " + path.string());
  }
  return {};
}

}  // namespace sweetspot::util
