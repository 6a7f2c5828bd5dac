// AWS Signature Version 4, written by hand on OpenSSL's HMAC-SHA256 because
// Debian 12's libcurl 7.88 CURLOPT_AWS_SIGV4 canonicalizes the query as sent
// (unsorted queries sign wrong) and does not apply the second URI-encoding AWS
// requires for every service but S3 (an ARN in the path, with %3A, signs wrong).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"

namespace sweetspot::aws {

using Parameters = std::vector<std::pair<std::string, std::string>>;

// A request as it goes on the wire.
struct SignableRequest {
  std::string method;     // GET, POST, PUT, DELETE
  std::string path;       // as sent: already URI-encoded, e.g. /2015-03-31/functions/arn%3Aaws.../configuration
  Parameters query;       // decoded names and values; sent in canonical (sorted, encoded) form
  Parameters headers;     // must include host; names in any case
  std::string body;
};

struct SigningScope {
  std::string region;   // us-east-1
  std::string service;  // lambda, sts
};

// RFC 3986 percent-encoding of everything but the unreserved characters
// (A-Z a-z 0-9 - . _ ~); '/' kept when `keep_slash`.
enum class Slash { kEncode, kKeep };
std::string uri_encode(std::string_view text, Slash slash = Slash::kEncode);

// Name=value pairs sorted by encoded name then value, joined with '&': both the
// canonical query and the query sent, so the two never differ.
std::string canonical_query(const Parameters& query);

// The pieces, exposed for the published test vectors.
std::string canonical_request(const SignableRequest& request, std::string* signed_headers);
std::string amz_date(std::chrono::system_clock::time_point when);  // 20150830T123600Z

// Adds X-Amz-Date, X-Amz-Security-Token (with a session token) and
// Authorization to request.headers (replacing earlier ones of those names).
void sign(SignableRequest& request, const Credentials& credentials, const SigningScope& scope,
          std::chrono::system_clock::time_point when);

}  // namespace sweetspot::aws
