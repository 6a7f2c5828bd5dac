#include "aws/sigv4.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "aws/crypto.h"

namespace sweetspot::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trimmed, with runs of spaces folded into one (the canonical header value).
std::string fold_spaces(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

void erase_header(Parameters& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return lower(h.first) == name; });
}

std::string date_stamp(const std::string& amz) { return amz.substr(0, 8); }

}  // namespace

std::string uri_encode(std::string_view text, Slash slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (unreserved(c) || (c == '/' && slash == Slash::kKeep)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string canonical_query(const Parameters& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name), uri_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string canonical_request(const SignableRequest& request, std::string* signed_headers) {
  // Same-named headers join with ',' in the order given; names sort.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    std::string& joined = headers[lower(name)];
    if (!joined.empty()) joined.push_back(',');
    joined += fold_spaces(value);
  }
  std::string canonical_headers, names;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  if (signed_headers) *signed_headers = names;
  // The path as sent, encoded once more: AWS's rule for every service but S3.
  const std::string path = request.path.empty() ? "/" : uri_encode(request.path, Slash::kKeep);
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, path, canonical_query(request.query), canonical_headers,
                     names, sha256_hex(request.body));
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  return fmt::format("{:%Y%m%dT%H%M%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(when)));
}

void sign(SignableRequest& request, const Credentials& credentials, const SigningScope& scope,
          std::chrono::system_clock::time_point when) {
  const std::string date = amz_date(when);
  erase_header(request.headers, "x-amz-date");
  erase_header(request.headers, "x-amz-security-token");
  erase_header(request.headers, "authorization");
  request.headers.emplace_back("X-Amz-Date", date);
  if (!credentials.session_token.empty()) request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);

  std::string signed_headers;
  const std::string canonical = canonical_request(request, &signed_headers);
  const std::string credential_scope =
      fmt::format("{}/{}/{}/aws4_request", date_stamp(date), scope.region, scope.service);
  const std::string string_to_sign =
      fmt::format("{}\n{}\n{}\n{}", kAlgorithm, date, credential_scope, sha256_hex(canonical));
  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date_stamp(date));
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  key = hmac_sha256(key, "aws4_request");
  const std::string signature = hex(hmac_sha256(key, string_to_sign));
  request.headers.emplace_back("Authorization",
                               fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                                           credentials.access_key_id, credential_scope, signed_headers, signature));
}

}  // namespace sweetspot::aws
