// Base64 (RFC 4648, with padding), as the visualization URL carries its data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sweetspot::report {

std::string base64_encode(std::string_view bytes);
// Empty optional on a character outside the alphabet or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sweetspot::report
