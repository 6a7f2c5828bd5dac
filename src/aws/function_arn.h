// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], as users paste it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace sweetspot::aws {

struct FunctionArn {
  std::string partition;  // aws, aws-cn, aws-us-gov
  std::string region;
  std::string account;
  std::string name;
  std::string qualifier;  // empty, $LATEST, a version number or an alias
  std::string unqualified() const;  // the ARN without the qualifier
};

bool looks_like_function_arn(std::string_view text);
util::Result<FunctionArn> parse_function_arn(std::string_view text);

}  // namespace sweetspot::aws
