#include "aws/function_arn.h"

#include <fmt/format.h>

#include <regex>

#include "util/strings.h"

namespace sweetspot::aws {

std::string FunctionArn::unqualified() const {
  return fmt::format("arn:{}:lambda:{}:{}:function:{}", partition, region, account, name);
}

bool looks_like_function_arn(std::string_view text) { return text.starts_with("arn:"); }

util::Result<FunctionArn> parse_function_arn(std::string_view text) {
  const auto parts = util::split(text, ':');
  static const std::regex kName("[A-Za-z0-9_-]{1,64}");
  static const std::regex kRegion("[a-z]{2}(-[a-z]+)+-[0-9]+");
  static const std::regex kAccount("[0-9]{12}");
  static const std::regex kQualifier("\\$LATEST|[A-Za-z0-9_-]{1,128}");
  const auto bad = [&](std::string_view why) {
    return util::fail(fmt::format(
        "\"{}\" is not a Lambda function ARN ({}): write arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], "
        "or use --function-name NAME --region REGION",
        text, why));
  };
  if (parts.size() < 7 || parts.size() > 8) return bad("wrong number of ':'-separated parts");
  if (parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function") return bad("not arn:PARTITION:lambda:...:function:...");
  if (!parts[1].starts_with("aws")) return bad("unknown partition");
  if (!std::regex_match(parts[3], kRegion)) return bad("the region is missing or malformed");
  if (!std::regex_match(parts[4], kAccount)) return bad("the account must be 12 digits");
  if (!std::regex_match(parts[6], kName)) return bad("the function name is malformed");
  FunctionArn arn{parts[1], parts[3], parts[4], parts[6], parts.size() == 8 ? parts[7] : ""};
  if (parts.size() == 8 && !std::regex_match(arn.qualifier, kQualifier)) return bad("the qualifier is malformed");
  return arn;
}

}  // namespace sweetspot::aws
