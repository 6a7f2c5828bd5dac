// A small custom runtime for the engine's tests: a real Runtime API client (like
// aws-lambda-cpp's) whose behaviour each event chooses with {"op": ...}.
// Environment: INIT_SLEEP_MS delays the first /next (a slow init), INIT_SPIN_MS
// burns CPU before it; INIT_FAIL posts
// an init error; INIT_EXIT exits during init.
// A few ops misbehave at the HTTP level on purpose (raw_response, flood_response,
// huge_header): they talk to the Runtime API over a raw socket.
#include <httplib.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;

namespace {

std::atomic<unsigned long long> g_counter{0};

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void burn_cpu_ms(double ms) {
  const double start = thread_cpu_ms();
  volatile unsigned long long x = 0;
  while (thread_cpu_ms() - start < ms) {
    for (int i = 0; i < 10000; ++i) x = x + static_cast<unsigned long long>(i);
  }
}

// Writes `bytes` to a new connection to the Runtime API and reads the answer's
// status (0 if none within 200 ms): garbage must be refused, not believed.
int send_raw(const std::string& bytes) {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  const char* colon = api ? std::strrchr(api, ':') : nullptr;
  if (!colon) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(colon + 1)));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval patience{0, 200'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  int status = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    char answer[64] = {};
    if (recv(fd, answer, sizeof answer - 1, 0) > 12) status = std::atoi(answer + 9);
  }
  close(fd);
  return status;
}

// {"op": "mix"}: one misbehaviour, picked at random per event, for the fault soak
// (bench/fault_soak.py). Each entry: weight per 1,000 events, and the event it becomes.
json mixed(const json& ev) {
  if (!ev.is_object() || ev.value("op", "") != "mix") return ev;
  static std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 32));
  static const std::vector<std::pair<int, json>> kMix = {
      {600, {{"op", "echo"}}},
      {100, {{"op", "throw"}}},                                      // handler error (unknown op)
      {30, {{"op", "crash"}}},                                       // SIGABRT
      {30, {{"op", "exit"}, {"code", 1}}},
      {20, {{"op", "alloc"}, {"mb", 512}}},                          // out of memory at 128 MB
      {8, {{"op", "sleep"}, {"ms", 5000}}},                          // timeout (run with --timeout 1)
      {4, {{"op", "fork_bomb"}}},
      {60, {{"op", "garbage_request"}}},
      {20, {{"op", "huge_header"}, {"kb", 256}}},                    // oversize request head
      {15, {{"op", "flood_response"}, {"mb", 16}}},                  // oversize body, declared
      {15, {{"op", "big_response"}, {"bytes", 7 << 20}}},            // over 6 MB
      {90, {{"op", "raw_response"}, {"hex", "fffe80c0afed"}}},       // not UTF-8
      {8, {{"op", "big_response"}, {"bytes", (6 << 20) - 64}}},      // just under 6 MB
  };
  int total = 0;
  for (const auto& [weight, event] : kMix) total += weight;
  int pick = static_cast<int>(rng() % static_cast<uint64_t>(total));
  for (const auto& [weight, event] : kMix) {
    if (pick < weight) return event;
    pick -= weight;
  }
  return kMix.front().second;
}

json handle(const json& ev) {
  const std::string op = ev.value("op", "echo");
  if (op == "echo") return ev;
  if (op == "spin") {
    const auto t0 = std::chrono::steady_clock::now();
    burn_cpu_ms(ev.value("ms", 100.0));
    const double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return {{"wall_ms", wall}};
  }
  if (op == "spin_threads") {
    std::vector<std::thread> threads;
    for (int i = 0; i < ev.value("threads", 2); ++i) threads.emplace_back([&] { burn_cpu_ms(ev.value("ms", 100.0)); });
    for (auto& t : threads) t.join();
    return {{"ok", true}};
  }
  if (op == "alloc") {
    const size_t bytes = static_cast<size_t>(ev.value("mb", 10)) << 20;
    // Volatile stores: memory that is written, never read, then freed may be
    // removed whole by the optimizer (clang -O2 does: the function then used 8 MB
    // and was never OOM-killed); a function's allocation must really happen.
    volatile char* p = static_cast<char*>(std::malloc(bytes));
    if (p == nullptr) return {{"allocated_mb", 0}};
    for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
    std::free(const_cast<char*>(p));
    return {{"allocated_mb", ev.value("mb", 10)}};
  }
  if (op == "sleep") {
    std::this_thread::sleep_for(std::chrono::milliseconds(ev.value("ms", 100)));
    return {{"slept", true}};
  }
  if (op == "exit") std::_Exit(ev.value("code", 3));
  if (op == "crash") std::abort();
  if (op == "garbage_request") {
    std::string garbage;
    static std::mt19937 rng(std::random_device{}());
    for (size_t i = rng() % 4096; i > 0; --i) garbage += static_cast<char>(rng());
    const std::string heads[] = {"", "GET /2018-06-01/runtime/invocation/x/next HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                                 "POST /2018-06-01/runtime/invocation/nope/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"};
    return {{"garbage_status", send_raw(heads[rng() % 3] + garbage)}};
  }
  if (op == "fork_bomb") {
    int forked = 0;
    while (forked < 5000) {
      const pid_t pid = fork();
      if (pid < 0) break;
      if (pid == 0) {
        pause();
        _exit(0);
      }
      ++forked;
    }
    return {{"forked", forked}};
  }
  if (op == "tmp_write") {
    std::ofstream("/tmp/" + ev.value("name", std::string("x"))) << ev.value("content", std::string("data"));
    return {{"ok", true}};
  }
  if (op == "tmp_list") {
    json names = json::array();
    if (DIR* d = opendir("/tmp")) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
      }
      closedir(d);
    }
    return {{"files", names}};
  }
  if (op == "background") {
    std::thread([] {
      while (true) g_counter.fetch_add(1, std::memory_order_relaxed);
    }).detach();
    return {{"started", true}};
  }
  if (op == "counter") {
    const auto before = g_counter.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(ev.value("watch_ms", 0)));
    return {{"counter", g_counter.load()}, {"advanced", g_counter.load() - before}};
  }
  if (op == "nofile") {
    int opened = 0;
    while (open("/dev/null", O_RDONLY) >= 0) ++opened;
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    return {{"opened", opened}, {"limit", rl.rlim_cur}};
  }
  if (op == "cores") {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    return {{"cores", CPU_COUNT(&set)}};
  }
  if (op == "env") {
    json vars = json::object();
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      const auto eq = kv.find('=');
      vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return vars;
  }
  if (op == "cpu_throttled") {  // how often the CFS quota has stopped this environment (cpu.stat)
    std::ifstream cgroups("/proc/self/cgroup");
    for (std::string line; std::getline(cgroups, line);) {
      const auto first = line.find(':'), second = line.find(':', first + 1);
      const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
      std::vector<std::string> dirs;
      if (controllers.empty()) dirs.push_back("/sys/fs/cgroup" + path);  // v2
      if (controllers == "cpu" || controllers.starts_with("cpu,")) dirs.push_back("/sys/fs/cgroup/" + controllers + path);
      for (const auto& dir : dirs) {
        std::ifstream stat(dir + "/cpu.stat");
        for (std::string key; stat >> key;) {
          long long value = 0;
          stat >> value;
          if (key == "nr_throttled") return {{"nr_throttled", value}};
        }
      }
    }
    return {{"nr_throttled", nullptr}};
  }
  if (op == "fs_probe") {  // what this process may write and read, and where it is
    json out = {{"writes", json::object()}, {"reads", json::object()}};
    char cwd[4096] = {};
    out["cwd"] = getcwd(cwd, sizeof cwd) ? cwd : "";
    for (const auto& path : ev.value("write", json::array())) {
      const int fd = open(path.get<std::string>().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      out["writes"][path.get<std::string>()] = fd >= 0 ? std::string("ok") : std::string(strerror(errno));
      if (fd >= 0) close(fd);
    }
    for (const auto& path : ev.value("read", json::array())) {
      std::ifstream in(path.get<std::string>());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      out["reads"][path.get<std::string>()] = in ? text : std::string("<unreadable>");
    }
    for (const auto& path : ev.value("list", json::array())) {
      json names = json::array();
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(path.get<std::string>(), ec)) {
        names.push_back(entry.path().filename().string());
      }
      out["lists"][path.get<std::string>()] = ec ? json(ec.message()) : names;
    }
    return out;
  }
  if (op == "big_response") return {{"data", std::string(ev.value("bytes", 7 << 20), 'x')}};
  if (op == "print") {
    std::printf("%s\n", ev.value("text", std::string("hello")).c_str());
    std::fflush(stdout);
    return {{"printed", true}};
  }
  throw std::runtime_error("unknown op " + op);
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Sends `head` then `body_bytes` bytes of 'x' (in 1 MB writes, stopping at the
// first failed write) on a new connection; returns the status of the answer, or 0.
int raw_request(const std::string& api, const std::string& head, size_t body_bytes) {
  const auto colon = api.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(api.c_str() + colon + 1)));
  inet_pton(AF_INET, api.substr(0, colon).c_str(), &addr.sin_addr);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 0;
  bool ok = send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size());
  const std::string chunk(1 << 20, 'x');
  for (size_t sent = 0; ok && sent < body_bytes; sent += chunk.size()) {
    const size_t n = std::min(chunk.size(), body_bytes - sent);
    ok = send(fd, chunk.data(), n, MSG_NOSIGNAL) == static_cast<ssize_t>(n);
  }
  char answer[256] = {};
  const ssize_t n = recv(fd, answer, sizeof answer - 1, 0);
  close(fd);
  return n > 12 ? std::atoi(answer + 9) : 0;
}

}  // namespace

int main() {
  const char* api_env = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api_env) return 2;
  const std::string api = api_env;
  httplib::Client client("http://" + api);
  client.set_read_timeout(3600, 0);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // as curl (and so aws-lambda-cpp) does
  const std::string base = "/2018-06-01/runtime";
  if (const char* ms = std::getenv("INIT_SLEEP_MS")) std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
  if (const char* ms = std::getenv("INIT_SPIN_MS")) burn_cpu_ms(std::atof(ms));
  if (const char* code = std::getenv("INIT_EXIT")) return std::atoi(code);
  if (std::getenv("INIT_FAIL")) {
    client.Post(base + "/init/error", {{"Lambda-Runtime-Function-Error-Type", "Runtime.TestInitFailure"}},
                R"({"errorMessage":"init failed on purpose","errorType":"Runtime.TestInitFailure","stackTrace":[]})",
                "application/json");
    return 1;
  }
  while (true) {
    auto next = client.Get(base + "/invocation/next");
    if (!next) return 3;
    const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
    const json ev = mixed(json::parse(next->body, nullptr, false));
    const std::string op = ev.is_object() ? ev.value("op", "") : "";
    const std::string response_path = base + "/invocation/" + id + "/response";
    if (op == "raw_response") {  // bytes as they are, UTF-8 or not
      client.Post(response_path, from_hex(ev.value("hex", std::string())), "application/octet-stream");
      continue;
    }
    if (op == "flood_response") {  // declares and sends far more than 6 MB
      const size_t bytes = static_cast<size_t>(ev.value("mb", 800)) << 20;
      const int status = raw_request(api, "POST " + response_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                              std::to_string(bytes) + "\r\n\r\n", bytes);
      std::fprintf(stderr, "flood answered %d\n", status);
      continue;
    }
    if (op == "huge_header") {  // a header line of `kb` KB, then a proper response
      const std::string head = "POST " + response_path + " HTTP/1.1\r\nHost: x\r\nX-Big: " +
                               std::string(static_cast<size_t>(ev.value("kb", 1024)) << 10, 'h') +
                               "\r\nContent-Length: 2\r\n\r\n{}";
      const int status = raw_request(api, head, 0);
      client.Post(response_path, json{{"huge_header_status", status}}.dump(), "application/json");
      continue;
    }
    if (op == "print_unterminated") {  // output without a newline
      const std::string text(static_cast<size_t>(ev.value("kb", 1024)) << 10, 'p');
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      client.Post(response_path, R"({"printed":true})", "application/json");
      continue;
    }
    try {
      json out = handle(ev);
      if (ev.is_object() && ev.value("with_headers", false)) {
        out["deadline_ms"] = next->get_header_value("Lambda-Runtime-Deadline-Ms");
        out["arn"] = next->get_header_value("Lambda-Runtime-Invoked-Function-Arn");
        out["trace"] = next->get_header_value("Lambda-Runtime-Trace-Id");
      }
      client.Post(base + "/invocation/" + id + "/response", out.dump(), "application/json");
    } catch (const std::exception& e) {
      client.Post(base + "/invocation/" + id + "/error", json{{"errorMessage", e.what()}, {"errorType", "TestError"}, {"stackTrace", json::array()}}.dump(),
                  "application/json");
    }
  }
}
