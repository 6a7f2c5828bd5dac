// The hashes SigV4 needs, from OpenSSL.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace sweetspot::aws {

std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex(std::string_view bytes);

}  // namespace sweetspot::aws
