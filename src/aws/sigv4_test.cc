#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sweetspot::aws {
namespace {

// Vectors of AWS's SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30 edition),
// as the AWS SDK for JavaScript v3 carries them in
// packages/signature-v4/src/suite.fixture.ts: request and expected Authorization.
struct Vector {
  const char* name;
  const char* method;
  const char* path;
  Parameters query;
  Parameters extra_headers;
  const char* body;
  const char* authorization;
};

const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test suite"};
const SigningScope kSuiteScope{"us-east-1", "service"};

std::chrono::system_clock::time_point suite_time() {
  // 2015-08-30T12:36:00Z
  return std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours(12) + std::chrono::minutes(36);
}

constexpr const char* kPrefix =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

const Vector kVectors[] = {
    {"get-vanilla", "GET", "/", {}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
    {"get-header-key-duplicate", "GET", "/", {}, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}, "",
     "SignedHeaders=host;my-header1;x-amz-date, "
     "Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
    {"get-header-value-order", "GET", "/", {}, {{"My-Header1", "value4,value1,value3,value2"}}, "",
     "SignedHeaders=host;my-header1;x-amz-date, "
     "Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
    {"get-header-value-trim", "GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}}, "",
     "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
     "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
    {"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
    {"get-utf8", "GET", "/\xe1\x88\xb4", {}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
    {"get-vanilla-query-order-key-case", "GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
    {"get-vanilla-query-unreserved", "GET", "/",
     {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
     {}, "",
     "SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
    {"get-vanilla-utf8-query", "GET", "/", {{"\xe1\x88\xb4", "bar"}}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
    {"post-header-key-sort", "POST", "/", {}, {{"My-Header1", "value1"}}, "",
     "SignedHeaders=host;my-header1;x-amz-date, "
     "Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
    {"post-header-value-case", "POST", "/", {}, {{"My-Header1", "VALUE1"}}, "",
     "SignedHeaders=host;my-header1;x-amz-date, "
     "Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
    {"post-vanilla", "POST", "/", {}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
    {"post-vanilla-query", "POST", "/", {{"Param1", "value1"}}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
    {"post-vanilla-query-nonunreserved", "POST", "/", {{"@#$%^", ""}, {"+", "/,?><`\";:\\|][{}"}}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
    {"post-vanilla-query-space", "POST", "/", {{"p", ""}}, {}, "",
     "SignedHeaders=host;x-amz-date, Signature=e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b"},
    {"post-x-www-form-urlencoded", "POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}},
     "Param1=value1",
     "SignedHeaders=content-type;host;x-amz-date, "
     "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
    {"post-x-www-form-urlencoded-parameters", "POST", "/", {},
     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}}, "Param1=value1",
     "SignedHeaders=content-type;host;x-amz-date, "
     "Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
};

std::string header(const SignableRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(SigV4, PublishedTestSuiteVectors) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    SignableRequest request{v.method, v.path, v.query, {{"Host", "example.amazonaws.com"}}, v.body};
    for (const auto& h : v.extra_headers) request.headers.push_back(h);
    sign(request, kSuiteCredentials, kSuiteScope, suite_time());
    EXPECT_EQ(header(request, "Authorization"), std::string(kPrefix) + v.authorization);
    EXPECT_EQ(header(request, "X-Amz-Date"), "20150830T123600Z");
  }
}

TEST(SigV4, NonS3PathsAreEncodedTwice) {
  // The path as sent holds %3A (an ARN's colons); the canonical path encodes the '%'.
  SignableRequest request{"GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/configuration",
                          {}, {{"Host", "lambda.us-east-1.amazonaws.com"}}, ""};
  const std::string canonical = canonical_request(request, nullptr);
  EXPECT_NE(canonical.find("/functions/arn%253Aaws%253Alambda"), std::string::npos) << canonical;
}

TEST(SigV4, QueryIsSortedAndEncodedTheSameWayItIsSent) {
  EXPECT_EQ(canonical_query({{"Version", "2011-06-15"}, {"Action", "AssumeRole"}, {"RoleSessionName", "a b/c"}}),
            "Action=AssumeRole&RoleSessionName=a%20b%2Fc&Version=2011-06-15");
}

TEST(SigV4, SessionTokenIsSignedAndSent) {
  SignableRequest request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, ""};
  Credentials with_token = kSuiteCredentials;
  with_token.session_token = "TOKEN";
  sign(request, with_token, kSuiteScope, suite_time());
  EXPECT_EQ(header(request, "X-Amz-Security-Token"), "TOKEN");
  EXPECT_NE(header(request, "Authorization").find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST(SigV4, SigningTwiceReplacesTheEarlierSignature) {
  SignableRequest request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, ""};
  sign(request, kSuiteCredentials, kSuiteScope, suite_time());
  sign(request, kSuiteCredentials, kSuiteScope, suite_time());
  EXPECT_EQ(std::count_if(request.headers.begin(), request.headers.end(),
                          [](const auto& h) { return h.first == "Authorization"; }),
            1);
  EXPECT_EQ(header(request, "Authorization"),
            std::string(kPrefix) +
                "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

}  // namespace
}  // namespace sweetspot::aws
