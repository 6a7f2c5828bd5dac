// `sweetspot serve`'s cost on top of the engine: warm Invoke round trips over
// HTTP on loopback with a plain HTTP client (cpp-httplib, keep-alive; no AWS
// CLI or SDK in the loop), and warm throughput with two clients at
// --max-concurrency 2. The server is the same stack the binary runs (registry,
// environment pool, httplib server), in this process. Needs root and cgroups.
// See bench/README.md.
#include <httplib.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "lambda_api/http_server.h"
#include "lambda_api/local_invoker.h"
#include "lambda_api/service.h"
#include "util/clock.h"

using namespace sweetspot;
using util::Clock;

namespace {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double rank = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(rank);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
}

engine_api::FunctionConfig ops() {
  engine_api::FunctionConfig c;
  c.name = "ops";
  c.code_dir = std::string(SWEETSPOT_BINARY_DIR) + "/testdata/functions/ops";
  c.memory_mb = 1769;
  c.timeout_s = 60;
  return c;
}

constexpr const char* kPath = "/2015-03-31/functions/ops/invocations";

// REPORT's Duration in the base64 log tail is not decoded here: a second
// request with Tail would change what is measured. The engine's own round trip
// is engine_bench's figure.
void warm_round_trip(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // as curl and urllib3 (botocore) do
  client.set_read_timeout(60, 0);
  for (int i = 0; i < 20; ++i) client.Post(kPath, R"({"op":"echo"})", "application/json");  // warm up
  std::vector<double> us;
  for (int i = 0; i < 2000; ++i) {
    const auto t0 = Clock::now();
    auto res = client.Post(kPath, R"({"op":"echo"})", "application/json");
    us.push_back(util::elapsed_ms(t0, Clock::now()) * 1000);
    if (!res || res->status != 200) throw std::runtime_error("invoke failed");
  }
  fmt::print("serve warm Invoke round trip (HTTP client, keep-alive), trivial C++ runtime, 1,769 MB, 2,000 invokes\n");
  fmt::print("  p50 {:7.1f} us   p99 {:7.1f} us\n", percentile(us, .5), percentile(us, .99));
}

void throughput(int port) {
  constexpr int kInvokes = 4000;
  std::atomic<int> next{0}, throttled{0};
  auto worker = [&] {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);  // as curl and urllib3 (botocore) do
    client.set_read_timeout(60, 0);
    while (next++ < kInvokes) {
      auto res = client.Post(kPath, R"({"op":"echo"})", "application/json");
      if (!res) throw std::runtime_error("no response");
      if (res->status == 429) ++throttled;
    }
  };
  { std::jthread a(worker), b(worker); }  // both environments warm
  next = 0;
  throttled = 0;
  const auto t0 = Clock::now();
  { std::jthread a(worker), b(worker); }
  const double s = util::elapsed_ms(t0, Clock::now()) / 1000;
  fmt::print("serve warm throughput, 2 clients, --max-concurrency 2, 1,769 MB, {} invokes: {:.0f} invokes/s "
             "({} throttled)\n",
             kInvokes, kInvokes / s, throttled.load());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string which = argc > 1 ? argv[1] : "all";
  lambda_api::FunctionRegistry registry;
  if (!registry.add(ops())) return 1;
  lambda_api::PoolOptions pool_options;
  pool_options.max_concurrency = 2;
  auto invoker = lambda_api::LocalInvoker::create(pool_options, nullptr);
  if (!invoker) {
    fmt::print(stderr, "serve_bench: {}\n", invoker.error().message);
    return 3;
  }
  lambda_api::Service service(registry, **invoker);
  lambda_api::HttpServerOptions http;
  http.port = 0;
  auto server = lambda_api::HttpServer::create(service, http);
  if (!server) return 3;
  std::jthread serving([&] { (*server)->run(); });
  const int port = (*server)->port();
  try {
    if (which == "all" || which == "warm") warm_round_trip(port);
    if (which == "all" || which == "throughput") throughput(port);
  } catch (const std::exception& e) {
    fmt::print(stderr, "serve_bench: {}\n", e.what());
  }
  (*server)->stop();
  return 0;
}
