// STS AssumeRole (the query API, 2011-06-15): the credentials of a profile's
// role_arn, for tuning a function in another account.
#pragma once

#include <string>

#include "aws/credential_chain.h"
#include "aws/credentials.h"
#include "aws/service_client.h"
#include "util/error.h"

namespace sweetspot::aws {

// The temporary credentials in an AssumeRole answer (XML).
util::Result<Credentials> parse_assume_role_response(const std::string& xml);

// An AssumeRole that signs with the credentials it is given and asks the STS
// endpoint of `region` (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL override it).
AssumeRole sts_assume_role(std::string endpoint_url, std::string region, RetryPolicy retry);

}  // namespace sweetspot::aws
