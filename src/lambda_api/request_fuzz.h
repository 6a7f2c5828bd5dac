// A libFuzzer-friendly entry point for everything `serve` does with a request's
// bytes before any process runs: parsing, routing, the control plane and the
// Invoke checks, independent of sockets. The bytes are read as
//   METHOD SP TARGET LF (NAME: VALUE LF)* LF BODY
// against a registry holding one function, `fuzzed`; invokes that get past the
// checks are refused by an invoker that starts no environment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lambda_api/api_types.h"

namespace sweetspot::lambda_api {

class Service;

// The Service both fuzz targets drive (this one and fuzz_lambda_api_http, which
// reaches it through the real HTTP server): created on first use, never
// destroyed, with one function `fuzzed` whose versions and aliases persist
// across inputs and an invoker that starts no environment.
Service& fuzz_service();

// The request those bytes describe; nullopt when there is no request line.
std::optional<ApiRequest> parse_raw_request(std::string_view bytes);

// Handles one raw request; returns the response's status (0: no request line).
int fuzz_one_request(const uint8_t* data, size_t size);

}  // namespace sweetspot::lambda_api
