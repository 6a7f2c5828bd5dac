#include "util/error.h"

#include <cerrno>
#include <cstring>

namespace sweetspot::util {

Error errno_error(std::string_view what) {
  const int saved = errno;
  return Error{std::string(what) + ": " + std::strerror(saved)};
}

}  // namespace sweetspot::util
