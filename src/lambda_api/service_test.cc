// The API's answers, through Service::handle, with an Invoker that records what
// reached it (the environments themselves are tested in environment_pool_test
// and end to end in tests/serve).
#include "lambda_api/service.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "lambda_api/request_fuzz.h"

namespace sweetspot::lambda_api {
namespace {

using nlohmann::json;

class RecordingInvoker : public Invoker {
 public:
  std::expected<engine_api::Invocation, ApiError> invoke(const Resolved& target, const engine::InvokeInput& input) override {
    invoked.push_back(target);
    payloads.push_back(input.payload);
    invoked_arns.push_back(input.invoked_function_arn.value_or(""));
    if (busy) return std::unexpected(ApiError{ErrorCode::kTooManyRequests, "busy", "ConcurrentInvocationLimitExceeded"});
    engine_api::Invocation inv;
    inv.request_id = "req-1";
    inv.outcome = outcome;
    inv.response = outcome == engine_api::Outcome::kSuccess ? input.payload : R"({"errorType":"Boom","errorMessage":"x"})";
    inv.log_tail = log;
    return inv;
  }
  std::expected<void, ApiError> enqueue_event(const Resolved& target, std::string payload) override {
    events.push_back(target);
    payloads.push_back(std::move(payload));
    return {};
  }
  void retire(std::string_view function_name, std::string_view version) override {
    retired.push_back(std::string(function_name) + ":" + std::string(version));
  }

  std::vector<Resolved> invoked, events;
  std::vector<std::string> payloads, retired, invoked_arns;
  engine_api::Outcome outcome = engine_api::Outcome::kSuccess;
  std::string log = "START RequestId: req-1 Version: $LATEST\nEND RequestId: req-1\nREPORT RequestId: req-1\n";
  bool busy = false;
};

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() {
    engine_api::FunctionConfig config;
    config.name = "fn";
    config.memory_mb = 256;
    config.runtime_id = "python3.12";
    config.handler = "app.handler";
    EXPECT_TRUE(registry.add(config));
  }

  ApiResponse call(std::string method, std::string target, std::string body = "",
                   std::map<std::string, std::string> headers = {}) {
    ApiRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    return service.handle(request);
  }

  static std::string header(const ApiResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  static void expect_error(const ApiResponse& r, int status, const std::string& type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(header(r, "X-Amzn-ErrorType"), type);
    const json body = json::parse(r.body);
    EXPECT_EQ(body["Type"], "User");
    EXPECT_TRUE(body.contains("message") || body.contains("Message")) << r.body;
  }

  FunctionRegistry registry{"us-east-1"};
  RecordingInvoker invoker;
  Service service{registry, invoker};
};

TEST_F(ServiceTest, InvokeAnswersWithTheResponseAndExecutedVersion) {
  const ApiResponse r = call("POST", "/2015-03-31/functions/fn/invocations", R"({"a":1})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(header(r, "X-Amz-Executed-Version"), "$LATEST");
  EXPECT_EQ(header(r, "X-Amz-Function-Error"), "");
  EXPECT_EQ(header(r, "X-Amz-Log-Result"), "");
  ASSERT_EQ(invoker.invoked.size(), 1u);
  EXPECT_EQ(invoker.invoked[0].state.config.memory_mb, 256);
  // The function is handed the ARN it was invoked by: unqualified here.
  EXPECT_EQ(invoker.invoked_arns[0], "arn:aws:lambda:us-east-1:123456789012:function:fn");
}

TEST_F(ServiceTest, AnEmptyPayloadIsAnEmptyObject) {
  call("POST", "/2015-03-31/functions/fn/invocations");
  ASSERT_EQ(invoker.payloads.size(), 1u);
  EXPECT_EQ(invoker.payloads[0], "{}");
}

TEST_F(ServiceTest, FunctionErrorIsStill200WithTheErrorHeader) {
  invoker.outcome = engine_api::Outcome::kFunctionError;
  const ApiResponse r = call("POST", "/2015-03-31/functions/fn/invocations", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "X-Amz-Function-Error"), "Unhandled");
  EXPECT_EQ(json::parse(r.body)["errorType"], "Boom");
}

TEST_F(ServiceTest, TailLogIsBase64OfTheLogEndingWithReport) {
  const ApiResponse r = call("POST", "/2015-03-31/functions/fn/invocations", "{}", {{"x-amz-log-type", "Tail"}});
  auto decoded = util::base64_decode(header(r, "X-Amz-Log-Result"));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, invoker.log);
}

TEST_F(ServiceTest, TailLogKeepsTheLast4KB) {
  invoker.log = std::string(10000, 'x') + "\nREPORT RequestId: req-1\n";
  const ApiResponse r = call("POST", "/2015-03-31/functions/fn/invocations", "{}", {{"x-amz-log-type", "Tail"}});
  auto decoded = util::base64_decode(header(r, "X-Amz-Log-Result"));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 4096u);
  EXPECT_TRUE(decoded->ends_with("REPORT RequestId: req-1\n"));
}

TEST_F(ServiceTest, DryRunChecksTheFunctionAndRunsNothing) {
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", "{}", {{"x-amz-invocation-type", "DryRun"}}).status, 204);
  expect_error(call("POST", "/2015-03-31/functions/nope/invocations", "{}", {{"x-amz-invocation-type", "DryRun"}}),
               404, "ResourceNotFoundException");
  EXPECT_TRUE(invoker.invoked.empty());
}

TEST_F(ServiceTest, EventIsQueuedWith202) {
  const ApiResponse r = call("POST", "/2015-03-31/functions/fn/invocations", R"({"e":1})",
                             {{"x-amz-invocation-type", "Event"}});
  EXPECT_EQ(r.status, 202);
  ASSERT_EQ(invoker.events.size(), 1u);
  EXPECT_TRUE(invoker.invoked.empty());
}

TEST_F(ServiceTest, ErrorShapes) {
  expect_error(call("POST", "/2015-03-31/functions/nope/invocations", "{}"), 404, "ResourceNotFoundException");
  expect_error(call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=7", "{}"), 404, "ResourceNotFoundException");
  expect_error(call("POST", "/2015-03-31/functions/fn/invocations", "{not json"), 400, "InvalidRequestContentException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", "[1"), 400, "InvalidRequestContentException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"MemorySize": 64})"), 400,
               "InvalidParameterValueException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"Timeout": 901})"), 400,
               "InvalidParameterValueException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"MemorySize": "big"})"), 400,
               "InvalidParameterValueException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"EphemeralStorage": {"Size": 100}})"), 400,
               "InvalidParameterValueException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"Environment": {"Variables": {"AWS_REGION": "x"}}})"),
               400, "InvalidParameterValueException");
  expect_error(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"Layers": []})"), 400,
               "InvalidParameterValueException");
  expect_error(call("POST", "/2015-03-31/functions/fn/invocations", "{}", {{"x-amz-invocation-type", "Sometimes"}}),
               400, "InvalidParameterValueException");
  expect_error(call("POST", "/2015-03-31/functions", "{}"), 404, "UnknownOperationException");
  invoker.busy = true;
  const ApiResponse busy = call("POST", "/2015-03-31/functions/fn/invocations", "{}");
  expect_error(busy, 429, "TooManyRequestsException");
  EXPECT_EQ(json::parse(busy.body)["Reason"], "ConcurrentInvocationLimitExceeded");
}

TEST_F(ServiceTest, PayloadOver6MBIsRequestTooLarge) {
  ApiRequest request;
  request.method = "POST";
  request.target = "/2015-03-31/functions/fn/invocations";
  request.body_too_large = true;
  expect_error(service.handle(request), 413, "RequestTooLargeException");
  EXPECT_TRUE(invoker.invoked.empty());
}

TEST_F(ServiceTest, UpdatePublishAliasInvokeRoundTrip) {
  ApiResponse r = call("PUT", "/2015-03-31/functions/fn/configuration",
                       R"({"MemorySize": 1024, "Timeout": 10, "Description": "d", "EphemeralStorage": {"Size": 1024},
                           "Environment": {"Variables": {"MODE": "x"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json config = json::parse(r.body);
  EXPECT_EQ(config["MemorySize"], 1024);
  EXPECT_EQ(config["Timeout"], 10);
  EXPECT_EQ(config["EphemeralStorage"]["Size"], 1024);
  EXPECT_EQ(config["Environment"]["Variables"]["MODE"], "x");
  EXPECT_EQ(config["State"], "Active");
  EXPECT_EQ(config["LastUpdateStatus"], "Successful");
  EXPECT_EQ(invoker.retired, std::vector<std::string>{"fn:$LATEST"});

  r = call("POST", "/2015-03-31/functions/fn/versions", "{}");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body)["Version"], "1");
  EXPECT_EQ(json::parse(r.body)["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:1");
  r = call("POST", "/2015-03-31/functions/fn/aliases", R"({"Name": "sweetspot-1024", "FunctionVersion": "1"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body)["AliasArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:sweetspot-1024");
  ASSERT_EQ(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"MemorySize": 128})").status, 200);

  r = call("POST", "/2015-03-31/functions/fn/invocations?Qualifier=sweetspot-1024", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "X-Amz-Executed-Version"), "1");
  EXPECT_EQ(invoker.invoked.back().state.config.memory_mb, 1024);
  // The alias the caller named, not the version it resolved to (as Lambda's context shows it).
  EXPECT_EQ(invoker.invoked_arns.back(), "arn:aws:lambda:us-east-1:123456789012:function:fn:sweetspot-1024");
  r = call("GET", "/2015-03-31/functions/fn/configuration?Qualifier=1");
  EXPECT_EQ(json::parse(r.body)["MemorySize"], 1024);
  r = call("GET", "/2015-03-31/functions/fn/configuration");
  EXPECT_EQ(json::parse(r.body)["MemorySize"], 128);

  r = call("GET", "/2015-03-31/functions/fn/aliases");
  EXPECT_EQ(json::parse(r.body)["Aliases"].size(), 1u);
  expect_error(call("DELETE", "/2015-03-31/functions/fn?Qualifier=1"), 409, "ResourceConflictException");
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn/aliases/sweetspot-1024").status, 204);
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn?Qualifier=1").status, 204);
  EXPECT_EQ(invoker.retired.back(), "fn:1");
  expect_error(call("GET", "/2015-03-31/functions/fn/configuration?Qualifier=1"), 404, "ResourceNotFoundException");
}

TEST_F(ServiceTest, ListAndGetFunction) {
  json list = json::parse(call("GET", "/2015-03-31/functions/").body);
  ASSERT_EQ(list["Functions"].size(), 1u);
  EXPECT_EQ(list["Functions"][0]["FunctionName"], "fn");
  EXPECT_EQ(list["Functions"][0]["Runtime"], "python3.12");
  EXPECT_EQ(list["Functions"][0]["Handler"], "app.handler");
  json got = json::parse(call("GET", "/2015-03-31/functions/fn").body);
  EXPECT_EQ(got["Configuration"]["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn");
}

TEST_F(ServiceTest, ListsArePagedByMarkerAndMaxItems) {
  for (const char* name : {"fn2", "fn3"}) {
    engine_api::FunctionConfig config;
    config.name = name;
    ASSERT_TRUE(registry.add(config));
  }
  json page = json::parse(call("GET", "/2015-03-31/functions/?MaxItems=2").body);
  ASSERT_EQ(page["Functions"].size(), 2u);
  EXPECT_EQ(page["Functions"][0]["FunctionName"], "fn");
  ASSERT_TRUE(page.contains("NextMarker"));
  json last = json::parse(call("GET", "/2015-03-31/functions/?MaxItems=2&Marker=" + page["NextMarker"].get<std::string>()).body);
  ASSERT_EQ(last["Functions"].size(), 1u);
  EXPECT_EQ(last["Functions"][0]["FunctionName"], "fn3");
  EXPECT_FALSE(last.contains("NextMarker"));
  EXPECT_FALSE(json::parse(call("GET", "/2015-03-31/functions/").body).contains("NextMarker"));

  ASSERT_EQ(call("PUT", "/2015-03-31/functions/fn/configuration", R"({"MemorySize": 512})").status, 200);
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/versions", "{}").status, 201);
  page = json::parse(call("GET", "/2015-03-31/functions/fn/versions?MaxItems=1").body);
  ASSERT_EQ(page["Versions"].size(), 1u);
  EXPECT_EQ(page["Versions"][0]["Version"], "$LATEST");
  page = json::parse(call("GET", "/2015-03-31/functions/fn/versions?MaxItems=1&Marker=" + page["NextMarker"].get<std::string>()).body);
  EXPECT_EQ(page["Versions"][0]["Version"], "1");
  EXPECT_FALSE(page.contains("NextMarker"));
  for (const char* alias : {"a", "b"}) {
    ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", alias}, {"FunctionVersion", "1"}}.dump()).status, 201);
  }
  page = json::parse(call("GET", "/2015-03-31/functions/fn/aliases?MaxItems=1").body);
  EXPECT_EQ(page["Aliases"][0]["Name"], "a");
  page = json::parse(call("GET", "/2015-03-31/functions/fn/aliases?MaxItems=1&Marker=" + page["NextMarker"].get<std::string>()).body);
  EXPECT_EQ(page["Aliases"][0]["Name"], "b");

  expect_error(call("GET", "/2015-03-31/functions/?Marker=garbage"), 400, "InvalidParameterValueException");
  expect_error(call("GET", "/2015-03-31/functions/?Marker=99"), 400, "InvalidParameterValueException");
  expect_error(call("GET", "/2015-03-31/functions/?MaxItems=0"), 400, "InvalidParameterValueException");
  expect_error(call("GET", "/2015-03-31/functions/fn/aliases?MaxItems=10001"), 400, "InvalidParameterValueException");
}

TEST_F(ServiceTest, AWeightedAliasIsRefusedNamingTheLimitation) {
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/versions", "{}").status, 201);
  ApiResponse r = call("POST", "/2015-03-31/functions/fn/aliases",
                       R"({"Name": "w", "FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5}}})");
  expect_error(r, 400, "InvalidParameterValueException");
  EXPECT_NE(r.body.find("weighted aliases"), std::string::npos) << r.body;
  // An empty RoutingConfig is what clients send for a plain alias.
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/aliases",
                 R"({"Name": "w", "FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {}}})").status, 201);
  r = call("PUT", "/2015-03-31/functions/fn/aliases/w", R"({"RoutingConfig": {"AdditionalVersionWeights": {"1": 0.1}}})");
  expect_error(r, 400, "InvalidParameterValueException");
  EXPECT_NE(r.body.find("weighted aliases"), std::string::npos) << r.body;
  expect_error(call("PUT", "/2015-03-31/functions/fn/aliases/w", R"({"RoutingConfig": [1]})"), 400,
               "InvalidParameterValueException");
}

TEST(RequestFuzz, ParsesTheRawForm) {
  auto request = parse_raw_request("PUT /2015-03-31/functions/fuzzed/configuration\nX-Thing: a\n\n{\"MemorySize\":512}");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "PUT");
  EXPECT_EQ(request->header("x-thing"), "a");
  EXPECT_EQ(request->body, "{\"MemorySize\":512}");
  const std::string raw = "PUT /2015-03-31/functions/fuzzed/configuration\n\n{\"MemorySize\":512}";
  EXPECT_EQ(fuzz_one_request(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()), 200);
  const std::string garbage = "\x01\x02";
  EXPECT_EQ(fuzz_one_request(reinterpret_cast<const uint8_t*>(garbage.data()), garbage.size()), 0);
}

}  // namespace
}  // namespace sweetspot::lambda_api
