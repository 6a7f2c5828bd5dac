#include "aws/function_arn.h"

#include <gtest/gtest.h>

namespace sweetspot::aws {
namespace {

TEST(FunctionArn, ParsesWithAndWithoutQualifier) {
  auto arn = parse_function_arn("arn:aws:lambda:eu-west-1:123456789012:function:my-fn");
  ASSERT_TRUE(arn) << arn.error().message;
  EXPECT_EQ(arn->region, "eu-west-1");
  EXPECT_EQ(arn->account, "123456789012");
  EXPECT_EQ(arn->name, "my-fn");
  EXPECT_EQ(arn->qualifier, "");
  EXPECT_EQ(arn->unqualified(), "arn:aws:lambda:eu-west-1:123456789012:function:my-fn");

  arn = parse_function_arn("arn:aws:lambda:us-gov-west-1:123456789012:function:f:prod");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->qualifier, "prod");
  EXPECT_TRUE(parse_function_arn("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"));
}

TEST(FunctionArn, RejectsWhatIsNotAFunctionArn) {
  for (const char* bad : {"arn:aws:s3:::bucket", "arn:aws:lambda:us-east-1:12345:function:f",
                          "arn:aws:lambda:useast1:123456789012:function:f",
                          "arn:aws:lambda:us-east-1:123456789012:layer:f", "arn:aws:lambda:us-east-1:123456789012:function:",
                          "arn:aws:lambda:us-east-1:123456789012:function:f:a:b"}) {
    const auto arn = parse_function_arn(bad);
    EXPECT_FALSE(arn) << bad;
    if (!arn) {
      EXPECT_NE(arn.error().message.find("--function-name"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace sweetspot::aws
