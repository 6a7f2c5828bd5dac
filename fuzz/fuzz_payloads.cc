// The event readers: `--payload` text as invoke and tune check it, then Power
// Tuning's payload list (one payload, or weighted payloads) and its expansion over
// a number of invokes (the input's first byte picks the number).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/function_options.h"
#include "tuner/payloads.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int num = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  // @FILE and - read a file or stdin; everything else is the JSON itself.
  if (!text.starts_with("@") && text != "-") {
    try {
      (void)sweetspot::cli::read_payload_argument(text);
    } catch (const sweetspot::util::Fatal&) {
      // The one exception the cli layer throws: the usage error it reports.
    }
  }
  auto payloads = sweetspot::tuner::parse_payloads(text, "fuzz");
  if (payloads) (void)sweetspot::tuner::expand_payloads(*payloads, num);
  return 0;
}
