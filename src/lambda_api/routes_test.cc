#include "lambda_api/routes.h"

#include <gtest/gtest.h>

namespace sweetspot::lambda_api {
namespace {

Route ok(std::string_view method, std::string_view target) {
  auto r = route_request(method, target);
  EXPECT_TRUE(r.has_value()) << method << " " << target << ": " << (r ? "" : r.error().message);
  return r ? *r : Route{};
}

ErrorCode code_of(std::string_view method, std::string_view target) {
  auto r = route_request(method, target);
  EXPECT_FALSE(r.has_value()) << method << " " << target;
  return r ? ErrorCode::kService : r.error().code;
}

TEST(Routes, EveryOperationOfTheModel) {
  EXPECT_EQ(ok("POST", "/2015-03-31/functions/fn/invocations").op, Operation::kInvoke);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/").op, Operation::kListFunctions);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions").op, Operation::kListFunctions);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/fn").op, Operation::kGetFunction);
  EXPECT_EQ(ok("DELETE", "/2015-03-31/functions/fn").op, Operation::kDeleteFunction);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/fn/configuration").op, Operation::kGetFunctionConfiguration);
  EXPECT_EQ(ok("PUT", "/2015-03-31/functions/fn/configuration").op, Operation::kUpdateFunctionConfiguration);
  EXPECT_EQ(ok("POST", "/2015-03-31/functions/fn/versions").op, Operation::kPublishVersion);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/fn/versions").op, Operation::kListVersionsByFunction);
  EXPECT_EQ(ok("POST", "/2015-03-31/functions/fn/aliases").op, Operation::kCreateAlias);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/fn/aliases").op, Operation::kListAliases);
  EXPECT_EQ(ok("GET", "/2015-03-31/functions/fn/aliases/live").op, Operation::kGetAlias);
  EXPECT_EQ(ok("PUT", "/2015-03-31/functions/fn/aliases/live").op, Operation::kUpdateAlias);
  EXPECT_EQ(ok("DELETE", "/2015-03-31/functions/fn/aliases/live").op, Operation::kDeleteAlias);
  EXPECT_EQ(ok("POST", "/2014-11-13/functions/fn/invoke-async/").op, Operation::kInvokeAsync);
}

TEST(Routes, QualifierFromQueryOrName) {
  Route r = ok("POST", "/2015-03-31/functions/fn/invocations?Qualifier=3");
  EXPECT_EQ(r.function_name, "fn");
  EXPECT_EQ(r.qualifier, "3");
  r = ok("GET", "/2015-03-31/functions/fn%3Alive/configuration");
  EXPECT_EQ(r.function_name, "fn");
  EXPECT_EQ(r.qualifier, "live");
  r = ok("GET", "/2015-03-31/functions/fn/configuration?Qualifier=%24LATEST");
  EXPECT_EQ(r.qualifier, "$LATEST");
  r = ok("GET", "/2015-03-31/functions/fn/aliases?FunctionVersion=2&MaxItems=10");
  EXPECT_EQ(r.query.at("FunctionVersion"), "2");
  EXPECT_FALSE(r.qualifier.has_value());
}

TEST(Routes, ArnsFullAndPartial) {
  Route r = ok("POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn/invocations");
  EXPECT_EQ(r.function_name, "fn");
  EXPECT_FALSE(r.qualifier.has_value());
  r = ok("POST", "/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:fn:7/invocations");
  EXPECT_EQ(r.function_name, "fn");
  EXPECT_EQ(r.qualifier, "7");
  r = ok("GET", "/2015-03-31/functions/123456789012%3Afunction%3Afn");
  EXPECT_EQ(r.function_name, "fn");
}

TEST(Routes, MismatchedQualifiersAndBadNamesAreInvalidParameters) {
  EXPECT_EQ(code_of("GET", "/2015-03-31/functions/fn:1/configuration?Qualifier=2"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(code_of("GET", "/2015-03-31/functions/f%20n/configuration"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(code_of("GET", "/2015-03-31/functions/fn/configuration?Qualifier=a%2Fb"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(code_of("GET", "/2015-03-31/functions/fn%zz/configuration"), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(code_of("GET", "/2015-03-31/functions/a:b:c:d:e/configuration"), ErrorCode::kInvalidParameterValue);
}

TEST(Routes, UnknownOperationsNameWhatIsAnswered) {
  auto r = route_request("POST", "/2015-03-31/functions");  // CreateFunction
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnknownOperation);
  EXPECT_NE(r.error().message.find("UpdateFunctionConfiguration"), std::string::npos);
  EXPECT_EQ(code_of("GET", "/"), ErrorCode::kUnknownOperation);
  EXPECT_EQ(code_of("PUT", "/2015-03-31/functions/fn/concurrency"), ErrorCode::kUnknownOperation);
  EXPECT_EQ(code_of("GET", "/2017-10-31/tags/arn"), ErrorCode::kUnknownOperation);
  EXPECT_EQ(code_of("POST", "/2015-03-31/functions/fn/aliases/a/b"), ErrorCode::kUnknownOperation);
}

TEST(Routes, PercentDecoding) {
  EXPECT_EQ(percent_decode("a%3Ab%24"), "a:b$");
  EXPECT_FALSE(percent_decode("%4").has_value());
  EXPECT_FALSE(percent_decode("%g0").has_value());
}

}  // namespace
}  // namespace sweetspot::lambda_api
