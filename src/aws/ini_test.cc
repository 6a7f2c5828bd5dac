#include "aws/ini.h"

#include <gtest/gtest.h>

namespace sweetspot::aws {
namespace {

TEST(Ini, SectionsKeysAndValuesAsTheAwsCliReadsThem) {
  const auto file = parse_ini(
      "# comment\n"
      "[default]\n"
      "region = eu-west-1\r\n"
      "AWS_Access_Key_ID=AKIA1\n"
      "; another comment\n"
      "[profile dev]\n"
      "role_arn: arn:aws:iam::123456789012:role/r\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "source_profile = default\n",
      "config");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->at("default").at("region"), "eu-west-1");
  EXPECT_EQ(file->at("default").at("aws_access_key_id"), "AKIA1");
  EXPECT_EQ(file->at("profile dev").at("role_arn"), "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ(file->at("profile dev").at("s3"), "\nmax_concurrent_requests = 10");
  EXPECT_EQ(file->at("profile dev").at("source_profile"), "default");
}

TEST(Ini, ErrorsNameTheLineButNeverItsText) {
  const auto before_section = parse_ini("aws_secret_access_key = SECRETVALUE\n", "creds");
  ASSERT_FALSE(before_section);
  EXPECT_NE(before_section.error().message.find("creds line 1"), std::string::npos);
  EXPECT_EQ(before_section.error().message.find("SECRETVALUE"), std::string::npos);

  const auto no_equals = parse_ini("[a]\nSECRETVALUE\n", "creds");
  ASSERT_FALSE(no_equals);
  EXPECT_NE(no_equals.error().message.find("line 2"), std::string::npos);
  EXPECT_EQ(no_equals.error().message.find("SECRETVALUE"), std::string::npos);

  EXPECT_FALSE(parse_ini("[unclosed\n", "x"));
  EXPECT_FALSE(parse_ini("[]\n", "x"));
}

TEST(Ini, EmptyAndOddInputDoNotCrash) {
  EXPECT_TRUE(parse_ini("", "x"));
  EXPECT_TRUE(parse_ini("\n\n   \n", "x"));
  EXPECT_FALSE(parse_ini(std::string("[a]\n=\0\n", 7), "x"));
  EXPECT_FALSE(parse_ini("[a]\n  indented line with no key above\n", "x"));  // configparser refuses it too
}

}  // namespace
}  // namespace sweetspot::aws
