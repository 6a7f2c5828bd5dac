// Base64 for the headers of the Invoke API (X-Amz-Log-Result out,
// X-Amz-Client-Context in), through OpenSSL's encoder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sweetspot::lambda_api {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (with padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sweetspot::lambda_api
