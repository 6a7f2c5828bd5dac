// The AWS CLI's shared config and credentials files, which `sweetspot tune` reads
// for a deployed function's credentials and region: both parsed, then every
// profile resolved (source_profile chains, loops, credential_source), no network.
#include <cstddef>
#include <cstdint>

#include "aws/config_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)sweetspot::aws::fuzz_shared_files(data, size);
  return 0;
}
