// Base64 (RFC 4648, with padding) through OpenSSL's encoder: the Invoke API's
// headers (X-Amz-Log-Result, X-Amz-Client-Context), the visualization URL, bytes
// that are not UTF-8 in JSON records.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sweetspot::util {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (with padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sweetspot::util
