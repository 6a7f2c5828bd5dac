// A libFuzzer-friendly entry point for the outside input sweetspot reads before
// any request: the AWS CLI's shared config and credentials files. The bytes are
// split at the first NUL into a config file and a credentials file; both are
// parsed, then every profile they name is resolved (without any network call).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sweetspot::aws {

// Returns how many profiles resolved to credentials.
int fuzz_shared_files(const uint8_t* data, size_t size);

}  // namespace sweetspot::aws
