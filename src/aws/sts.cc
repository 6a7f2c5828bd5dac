#include "aws/sts.h"

#include <fmt/format.h>

namespace sweetspot::aws {
namespace {

std::string tag(const std::string& xml, const std::string& name) {
  const std::string open = "<" + name + ">", close = "</" + name + ">";
  const size_t a = xml.find(open);
  if (a == std::string::npos) return "";
  const size_t b = xml.find(close, a);
  return b == std::string::npos ? "" : xml.substr(a + open.size(), b - a - open.size());
}

}  // namespace

util::Result<Credentials> parse_assume_role_response(const std::string& xml) {
  const std::string block = tag(xml, "Credentials");
  Credentials c{tag(block, "AccessKeyId"), tag(block, "SecretAccessKey"), tag(block, "SessionToken"), ""};
  if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty()) {
    return util::fail("STS answered without AccessKeyId, SecretAccessKey and SessionToken");
  }
  return c;
}

AssumeRole sts_assume_role(std::string endpoint_url, std::string region, RetryPolicy retry) {
  return [endpoint_url = std::move(endpoint_url), region = std::move(region), retry = std::move(retry)](
             const Credentials& with, const RoleStep& step) -> util::Result<Credentials> {
    auto client = ServiceClient::create(ServiceEndpoint{endpoint_url, {region, "sts"}}, with, retry);
    if (!client) return std::unexpected(client.error());
    Parameters form = {{"Action", "AssumeRole"},
                       {"Version", "2011-06-15"},
                       {"RoleArn", step.role_arn},
                       {"RoleSessionName", step.session_name}};
    if (!step.external_id.empty()) form.emplace_back("ExternalId", step.external_id);
    if (step.duration_seconds > 0) form.emplace_back("DurationSeconds", std::to_string(step.duration_seconds));
    ApiRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = canonical_query(form);
    auto response = client->call(request);
    if (!response) return util::fail(response.error().describe());
    auto credentials = parse_assume_role_response(response->body);
    if (!credentials) return credentials;
    credentials->source = fmt::format("role {} (AWS profile \"{}\")", step.role_arn, step.profile);
    return credentials;
  };
}

}  // namespace sweetspot::aws
