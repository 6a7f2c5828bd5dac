// A deployed function's log tail (the last 4 KB Lambda returns with LogResult,
// which the function's own output fills) as the AWS backend reads its REPORT
// line: engine_api::parse_report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine_api/invocation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)sweetspot::engine_api::parse_report(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
