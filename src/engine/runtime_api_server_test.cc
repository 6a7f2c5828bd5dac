#include "engine/runtime_api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "engine_api/lambda_limits.h"

namespace sweetspot::engine {

using engine_api::kMaxPayloadBytes;

namespace {

using namespace std::chrono_literals;

class RuntimeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = RuntimeApiServer::create({.on_idle = [this] { ++idle_calls; }, .on_wake = [this] { ++wake_calls; }});
    ASSERT_TRUE(created.has_value()) << created.error().message;
    server = std::move(*created);
    client = std::make_unique<httplib::Client>("http://" + server->address());
    client->set_read_timeout(30, 0);
  }
  InvokeEvent event(std::string id) {
    InvokeEvent ev;
    ev.request_id = std::move(id);
    ev.payload = R"({"n":1})";
    ev.deadline_epoch_ms = 1234567890123;
    ev.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
    ev.trace_id = "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0";
    ev.client_context = R"({"custom":{}})";
    return ev;
  }
  const std::string base = "/2018-06-01/runtime";
  std::unique_ptr<RuntimeApiServer> server;
  std::unique_ptr<httplib::Client> client;
  std::atomic<int> idle_calls{0}, wake_calls{0};
};

TEST_F(RuntimeApiServerTest, AddressIsLoopback) { EXPECT_TRUE(server->address().starts_with("127.0.0.1:")); }

TEST_F(RuntimeApiServerTest, NextLongPollsThenDeliversEventWithEveryHeader) {
  std::optional<httplib::Response> next;
  std::thread runtime([&] {
    if (auto r = client->Get(base + "/invocation/next")) next = *r;
  });
  ASSERT_EQ(server->wait_for_init(util::Clock::now() + 10s), WaitResult::kDone);
  server->deliver(event("req-1"));
  runtime.join();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"n":1})");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Aws-Request-Id"), "req-1");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Deadline-Ms"), "1234567890123");
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Invoked-Function-Arn"), "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_TRUE(next->get_header_value("Lambda-Runtime-Trace-Id").starts_with("Root=1-"));
  EXPECT_EQ(next->get_header_value("Lambda-Runtime-Client-Context"), R"({"custom":{}})");
  EXPECT_FALSE(next->has_header("Lambda-Runtime-Cognito-Identity"));
  // The runtime waited on /next with nothing to do: the environment froze, then thawed.
  EXPECT_EQ(idle_calls.load(), 1);
  EXPECT_EQ(wake_calls.load(), 1);

  auto posted = client->Post(base + "/invocation/req-1/response", R"({"ok":true})", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  EXPECT_EQ(posted->body, R"({"status":"OK"})");
  ASSERT_EQ(server->wait_for_result(util::Clock::now() + 10s), WaitResult::kDone);
  const RuntimeReport report = server->take_result();
  EXPECT_EQ(report.kind, RuntimeReport::Kind::kResponse);
  EXPECT_EQ(report.body, R"({"ok":true})");
  EXPECT_GE(report.at, server->delivered_at());
}

TEST_F(RuntimeApiServerTest, UnknownIdIs400AndSecondAnswerIs403) {
  std::thread runtime([&] { client->Get(base + "/invocation/next"); });
  server->deliver(event("req-2"));
  runtime.join();
  auto unknown = client->Post(base + "/invocation/nope/response", "{}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(nlohmann::json::parse(unknown->body)["errorType"], "InvalidRequestID");
  ASSERT_EQ(client->Post(base + "/invocation/req-2/response", "{}", "application/json")->status, 202);
  auto again = client->Post(base + "/invocation/req-2/error", "{}", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
}

TEST_F(RuntimeApiServerTest, ErrorTypeComesFromHeaderThenBody) {
  std::thread runtime([&] { client->Get(base + "/invocation/next"); });
  server->deliver(event("req-3"));
  runtime.join();
  httplib::Headers headers{{"Lambda-Runtime-Function-Error-Type", "Custom.Kind"}};
  ASSERT_EQ(client->Post(base + "/invocation/req-3/error", headers,
                         R"({"errorMessage":"boom","errorType":"Other","stackTrace":[]})", "application/json")
                ->status,
            202);
  ASSERT_EQ(server->wait_for_result(util::Clock::now() + 10s), WaitResult::kDone);
  const RuntimeReport report = server->take_result();
  EXPECT_EQ(report.kind, RuntimeReport::Kind::kError);
  EXPECT_EQ(report.error_type, "Custom.Kind");
}

TEST_F(RuntimeApiServerTest, ResponseOverSixMegabytesIs413AndFailsTheInvoke) {
  std::thread runtime([&] { client->Get(base + "/invocation/next"); });
  server->deliver(event("req-4"));
  runtime.join();
  auto posted = client->Post(base + "/invocation/req-4/response", std::string(kMaxPayloadBytes + 1, 'x'), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 413);
  ASSERT_EQ(server->wait_for_result(util::Clock::now() + 10s), WaitResult::kDone);
  const RuntimeReport report = server->take_result();
  EXPECT_EQ(report.kind, RuntimeReport::Kind::kResponseTooLarge);
  EXPECT_EQ(report.error_type, "Function.ResponseSizeTooLarge");
}

TEST_F(RuntimeApiServerTest, InitErrorBeforeNextIsAcceptedAfterItIs403) {
  auto posted = client->Post(base + "/init/error", {{"Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError"}},
                             R"({"errorMessage":"no module","errorType":"Runtime.ImportModuleError"})", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  EXPECT_EQ(server->wait_for_init(util::Clock::now() + 10s), WaitResult::kInitError);
  EXPECT_EQ(server->init_error()->error_type, "Runtime.ImportModuleError");
}

TEST_F(RuntimeApiServerTest, InitErrorAfterInitIsOutOfTurn) {
  std::thread runtime([&] { client->Get(base + "/invocation/next"); });
  ASSERT_EQ(server->wait_for_init(util::Clock::now() + 10s), WaitResult::kDone);
  httplib::Client second("http://" + server->address());
  auto posted = second.Post(base + "/init/error", "{}", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 403);
  server->deliver(event("req-5"));
  runtime.join();
}

TEST_F(RuntimeApiServerTest, WaitEndsWhenTheRuntimeExits) {
  server->notify_runtime_exited();
  EXPECT_EQ(server->wait_for_init(util::Clock::now() + 10s), WaitResult::kRuntimeExited);
}

TEST_F(RuntimeApiServerTest, WaitForResultTimesOut) {
  server->deliver(event("req-6"));
  EXPECT_EQ(server->wait_for_result(util::Clock::now() + 20ms), WaitResult::kDeadline);
}

TEST(RuntimeApiServerHooks, AFreezeInProgressBlocksNoWaitAndNoResult) {
  // The idle hook blocks (as a freeze polling the kernel can) until released:
  // meanwhile every call of the environment's side must go on.
  std::mutex gate;
  std::unique_lock hold(gate);
  std::atomic<bool> idle_entered{false};
  auto created = RuntimeApiServer::create({.on_idle = [&] {
                                             idle_entered = true;
                                             std::lock_guard wait_for_release(gate);
                                           },
                                           .on_wake = [] {}});
  ASSERT_TRUE(created.has_value());
  auto& server = **created;
  httplib::Client client("http://" + server.address());
  client.set_read_timeout(60, 0);
  std::thread runtime([&] { client.Get("/2018-06-01/runtime/invocation/next"); });
  EXPECT_EQ(server.wait_for_init(util::Clock::now() + 60s), WaitResult::kDone);
  while (!idle_entered) std::this_thread::yield();
  // The hook is running now; none of these may wait for it.
  (void)server.init_done_at();
  (void)server.init_error();
  (void)server.delivered_at();
  EXPECT_EQ(server.wait_for_result(util::Clock::now()), WaitResult::kDeadline);
  server.notify_runtime_exited();
  EXPECT_EQ(server.wait_for_result(util::Clock::now() + 60s), WaitResult::kRuntimeExited);
  hold.unlock();
  server.detach_hooks();
  client.stop();
  runtime.join();
}

TEST(RuntimeApiServerHooks, HooksAttachedAfterCreateRunWithWhatWasSetBefore) {
  // As an environment starts: the server (and its thread) first, then what the
  // hooks use (the runtime process), then the hooks. The hook must see it: under
  // TSan, hooks given to create() that read it were a data race.
  auto created = RuntimeApiServer::create({});
  ASSERT_TRUE(created.has_value());
  auto& server = **created;
  auto runtime_state = std::make_unique<int>(7);
  std::atomic<int> seen{0};
  server.attach_hooks({.on_idle = [&] { seen = *runtime_state; }, .on_wake = {}});
  httplib::Client client("http://" + server.address());
  client.set_read_timeout(60, 0);
  std::thread runtime([&] { client.Get("/2018-06-01/runtime/invocation/next"); });
  EXPECT_EQ(server.wait_for_init(util::Clock::now() + 60s), WaitResult::kDone);
  const auto give_up = util::Clock::now() + 60s;
  while (seen == 0 && util::Clock::now() < give_up) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(seen, 7) << "the idle hook ran with what was set before attach_hooks";
  server.detach_hooks();
  client.stop();
  runtime.join();
}

TEST_F(RuntimeApiServerTest, RemembersOnlyRecentRequestIds) {
  httplib::Client poster("http://" + server->address());
  const size_t n = RuntimeApiServer::kRememberedIds + 8;
  for (size_t i = 0; i < n; ++i) {
    std::thread runtime([&] { client->Get(base + "/invocation/next"); });
    server->deliver(event("id-" + std::to_string(i)));
    runtime.join();
    ASSERT_EQ(poster.Post(base + "/invocation/id-" + std::to_string(i) + "/response", "{}", "application/json")->status,
              202);
    ASSERT_EQ(server->wait_for_result(util::Clock::now() + 10s), WaitResult::kDone);
    server->take_result();
  }
  EXPECT_EQ(poster.Post(base + "/invocation/id-" + std::to_string(n - 1) + "/response", "{}", "application/json")->status,
            403)
      << "a recent id answered twice is out of turn";
  EXPECT_EQ(poster.Post(base + "/invocation/id-0/response", "{}", "application/json")->status, 400)
      << "an id long gone is unknown, as on Lambda; the set stays bounded";
}

TEST_F(RuntimeApiServerTest, UnknownPathsAndMethodsAreRefused) {
  EXPECT_EQ(client->Get("/2018-06-01/runtime/nothing")->status, 404);
  EXPECT_EQ(client->Get("/other")->status, 404);
  EXPECT_EQ(client->Post(base + "/invocation/next", "{}", "application/json")->status, 405);
}

TEST_F(RuntimeApiServerTest, ErrorBodyOverSixMegabytesIsRefusedToo) {
  std::thread runtime([&] { client->Get(base + "/invocation/next"); });
  server->deliver(event("req-big-error"));
  runtime.join();
  auto posted = client->Post(base + "/invocation/req-big-error/error", std::string(kMaxPayloadBytes + 1, 'e'),
                             "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 413);
  ASSERT_EQ(server->wait_for_result(util::Clock::now() + 10s), WaitResult::kDone);
  EXPECT_EQ(server->take_result().kind, RuntimeReport::Kind::kResponseTooLarge);
}

}  // namespace
}  // namespace sweetspot::engine
