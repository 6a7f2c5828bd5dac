// The Lambda API of `sweetspot serve` as a client reaches it, minus the socket:
// the bytes are a request (METHOD SP TARGET, header lines, a blank line, the
// body; see lambda_api/request_fuzz.h) handled by the real Service: routing,
// name/ARN/qualifier parsing, every control-plane operation and Invoke's checks,
// against a registry holding the function `fuzzed` that keeps its versions and
// aliases from one input to the next. Invokes that pass the checks reach an
// invoker that starts no environment.
#include <cstddef>
#include <cstdint>

#include "lambda_api/request_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)sweetspot::lambda_api::fuzz_one_request(data, size);
  return 0;
}
