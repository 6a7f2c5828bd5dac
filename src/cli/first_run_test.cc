// The first ten minutes of a new user, run as they meet them: the real binary,
// its help, its errors, its progress, Ctrl-C, an install. (issue 12)
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/test_command.h"
#include "engine/testing/cgroup_guard.h"
#include "util/file.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::run_command;

using test_support::kOps;
using test_support::kSweetspot;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A folder for this test's files, outside /tmp and removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(fs::path(SWEETSPOT_BINARY_DIR) / "test-scratch" / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative) << text;
  }

 private:
  fs::path path_;
};

// A Python function reporting which interpreter and runtimes folder ran it.
void write_python_function(const ScratchDir& dir) {
  dir.write("py/lambda_function.py",
            "import os, sys\n"
            "def lambda_handler(event, context):\n"
            "    rt = os.environ['LAMBDA_RUNTIME_DIR']\n"
            "    return {'version': '%d.%d' % sys.version_info[:2], 'runtime_dir': rt, 'runtime_files': os.listdir(rt)}\n");
}

TEST(FirstRun, HelpAndMissingOrUnknownCommandsShowTheCommands) {
  auto help = run_command({kSweetspot, "help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(contains(help.out, "invoke") && contains(help.out, "tune")) << help.out;

  auto help_tune = run_command({kSweetspot, "help", "tune"});
  EXPECT_EQ(help_tune.exit_code, 0);
  EXPECT_TRUE(contains(help_tune.out, "--max-duration")) << help_tune.out;

  auto none = run_command({kSweetspot});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(contains(none.err, "no command given")) << none.err;
  EXPECT_TRUE(contains(none.err, "invoke") && contains(none.err, "tune")) << none.err;

  auto unknown = run_command({kSweetspot, "tuen", "examples/cpu-heavy"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command \"tuen\"")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "invoke") && contains(unknown.err, "tune")) << unknown.err;
}

TEST(FirstRun, EveryOptionErrorNamesTheOptionTheValueAndTheRange) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {{"invoke", kOps, "--memory", "abc"}, {"--memory", "\"abc\"", "128 to 10240 MB"}},
      {{"invoke", kOps, "--memory", "64"}, {"--memory", "64", "128 to 10240 MB"}},
      {{"invoke", kOps, "--count", "-1"}, {"--count", "-1", "1 to 100000"}},
      {{"invoke", kOps, "--concurrency", "99"}, {"--concurrency", "99", "1 to 64"}},
      {{"invoke", kOps, "--timeout", "soon"}, {"--timeout", "\"soon\"", "1 to 900 seconds"}},
      {{"invoke", kOps, "--tmp-size", "1e9"}, {"--tmp-size", "1e9", "512 to 10240 MB"}},
      {{"invoke", kOps, "--arch", "sparc"}, {"--arch", "\"sparc\"", "x86_64 or arm64"}},
      {{"invoke", kOps, "--init-cpu", "fast"}, {"--init-cpu", "\"fast\"", "burst or proportional"}},
      {{"tune", kOps, "--num", "0"}, {"--num", "0", "1 to 10000"}},
      {{"tune", kOps, "--weight", "2"}, {"--weight", "2", "0 to 1"}},
      {{"tune", kOps, "--discard-top-bottom", "0.5"}, {"--discard-top-bottom", "0.5", "0 to 0.4"}},
      {{"tune", kOps, "--max-duration", "fast"}, {"--max-duration", "\"fast\"", "ms"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {kSweetspot};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 2) << c.args[2] << ": " << r.err;
    for (const auto& part : c.expected) EXPECT_TRUE(contains(r.err, part)) << c.args[2] << ": " << r.err;
    EXPECT_FALSE(contains(r.err, "Could not convert")) << r.err;
    EXPECT_FALSE(contains(r.err, "e+308")) << r.err;  // no 300-digit range
    EXPECT_TRUE(contains(r.err, "sweetspot " + c.args[0] + " --help")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(FirstRun, EnvironmentNamesAreCheckedAsLambdasApiDoes) {
  auto bad_name = run_command({kSweetspot, "invoke", kOps, "--no-limits", "--env", "A B=1"});
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_TRUE(contains(bad_name.err, "--env 'A B=1'") && contains(bad_name.err, "not a name Lambda accepts"))
      << bad_name.err;
  for (const std::string reserved : {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT"}) {
    auto r = run_command({kSweetspot, "invoke", kOps, "--no-limits", "--env", reserved + "=4"});
    EXPECT_EQ(r.exit_code, 2) << reserved;
    EXPECT_TRUE(contains(r.err, reserved + " is reserved")) << r.err;
  }
  auto ok = run_command({kSweetspot, "invoke", kOps, "--no-limits", "--env", "TZ=Europe/Paris", "--env", "MY_SETTING=on",
                         "--payload", R"({"op":"env"})"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const json vars = json::parse(ok.out);
  EXPECT_EQ(vars["MY_SETTING"], "on");
  EXPECT_EQ(vars["TZ"], "Europe/Paris");  // Lambda lets a function set TZ
}

TEST(FirstRun, WithoutAFunctionTheCurrentDirectoryIsTheFunction) {
  auto invoke = run_command({"env", "-C", kOps, kSweetspot, "invoke", "--no-limits", "--payload", R"({"op":"echo","x":7})"});
  EXPECT_EQ(invoke.exit_code, 0) << invoke.err;
  EXPECT_EQ(invoke.out, "{\"op\":\"echo\",\"x\":7}\n");
  auto tune = run_command({"env", "-C", kOps, kSweetspot, "tune", "--no-limits", "--memory", "128", "--num", "1",
                           "--payload", R"({"op":"echo"})"});
  EXPECT_EQ(tune.exit_code, 0) << tune.err;
  EXPECT_TRUE(contains(tune.out, "Recommendation")) << tune.out;
  ScratchDir empty("empty");
  auto nothing = run_command({"env", "-C", empty.path().string(), kSweetspot, "invoke", "--no-limits"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_TRUE(contains(nothing.err, empty.path().string())) << nothing.err;
}

TEST(FirstRun, AFunctionThatAlwaysFailsShowsItsFirstErrorAndWhereToSeeThemAll) {
  auto r = run_command({kSweetspot, "tune", kOps, "--no-limits", "--memory", "128", "--num", "2", "--payload",
                        R"({"op":"nope"})"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.out, "TestError: unknown op nope")) << r.out;
  EXPECT_TRUE(contains(r.err, "sweetspot invoke " + kOps + " --memory 128 --payload '{\"op\":\"nope\"}'")) << r.err;
}

TEST(FirstRun, ALatencyLimitNoSizeMeetsExitsOne) {
  auto r = run_command({kSweetspot, "tune", kOps, "--no-limits", "--memory", "128", "--num", "2", "--max-duration",
                        "0.001", "--payload", R"({"op":"spin","ms":5})"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "0.001")) << r.out;
}

TEST(FirstRun, WithoutATerminalEachFinishedSizeIsALineAndQuietSilencesThem) {
  const std::vector<std::string> args = {kSweetspot, "tune", kOps, "--no-limits", "--memory", "128,256",
                                         "--num", "2", "--payload", R"({"op":"echo"})"};
  auto r = run_command(args);  // stderr is a pipe here
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "size 1 done: 128 MB, 2 of 2 invokes succeeded")) << r.err;
  EXPECT_TRUE(contains(r.err, "size 2 done: 256 MB")) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << "a bar redrawn in place";
  std::vector<std::string> quiet = args;
  quiet.push_back("--quiet");
  auto q = run_command(quiet);
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_FALSE(contains(q.err, "done:")) << q.err;
  EXPECT_TRUE(contains(q.out, "Recommendation")) << q.out;
}

TEST(FirstRun, NoLimitsMarksEveryReport) {
  auto r = run_command({kSweetspot, "invoke", kOps, "--no-limits", "--count", "3", "--payload", R"({"op":"echo"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_of(r.err, "REPORT RequestId:"), 3) << r.err;
  EXPECT_EQ(std::regex_search(r.err, std::regex("REPORT RequestId:[^\n]*\nsweetspot: note: limits not enforced")), true)
      << r.err;
  EXPECT_EQ(count_of(r.err, "sweetspot: note: limits not enforced (--no-limits): the REPORT above"), 3) << r.err;
}

// The Python runtime id names a version: its interpreter runs when the host has
// it, and every output says so when another one ran.
TEST(FirstRun, ARuntimeVersionTheHostLacksIsNamedInEveryOutput) {
  auto host = run_command({"python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"});
  ASSERT_EQ(host.exit_code, 0);
  const std::string host_version(host.out.substr(0, host.out.find('\n')));
  std::string missing;
  for (int minor = 8; minor <= 14 && missing.empty(); ++minor) {
    const std::string v = "3." + std::to_string(minor);
    if (v != host_version && run_command({"python" + v, "-c", "pass"}).exit_code != 0) missing = v;
  }
  if (missing.empty()) GTEST_SKIP() << "this host runs every python3.8 to 3.14";
  ScratchDir dir("runtime-version");
  write_python_function(dir);
  const std::string fn = (dir.path() / "py").string();

  auto same = run_command({kSweetspot, "invoke", fn, "--no-limits", "--runtime", "python" + host_version});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(json::parse(same.out)["version"], host_version);
  EXPECT_FALSE(contains(same.err, "was asked for")) << same.err;

  auto other = run_command({kSweetspot, "invoke", fn, "--no-limits", "--runtime", "python" + missing});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string said = "python" + missing + " was asked for, but Python " + host_version + " ran it";
  EXPECT_TRUE(contains(other.err, "sweetspot: note: " + said)) << other.err;
  EXPECT_TRUE(std::regex_search(other.err, std::regex("REPORT RequestId:[^\n]*\nsweetspot: note: [^\n]*" +
                                                      std::regex_replace(said, std::regex("[.]"), "\\."))))
      << other.err;
  auto record = run_command({kSweetspot, "invoke", fn, "--no-limits", "--json", "--runtime", "python" + missing});
  ASSERT_EQ(record.exit_code, 0) << record.err;
  EXPECT_TRUE(contains(json::parse(record.out)["notes"].dump(), said)) << record.out;

  const std::string json_path = (dir.path() / "out.json").string();
  auto tune = run_command({kSweetspot, "tune", fn, "--no-limits", "--runtime", "python" + missing, "--memory", "256",
                           "--num", "1", "--json", json_path});
  ASSERT_EQ(tune.exit_code, 0) << tune.err;
  EXPECT_TRUE(contains(tune.out, said)) << tune.out;
  const json j = json::parse(util::read_file(json_path).value());
  EXPECT_TRUE(contains(j["sweetspot"].dump(), said)) << j["sweetspot"].dump(2);
}

// Reads `fd` until `text` has appeared in what was read (or it closes).
bool read_until(int fd, std::string& sink, const std::string& text, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!contains(sink, text)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return contains(sink, text);
    sink.append(buffer, static_cast<size_t>(n));
  }
  return true;
}

int processes_with_marker(const std::string& marker) {
  int count = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), {});
    if (contains(env, "SWEETSPOT_TEST_MARKER=" + marker)) ++count;
  }
  return count;
}

TEST(FirstRun, CtrlCDuringTunePrintsThePartialResultAndLeavesNothing) {
  SWEETSPOT_REQUIRE_CGROUPS(host);
  ScratchDir dir("ctrl-c");
  const std::string json_path = (dir.path() / "partial.json").string();
  const std::string marker = "tune-ctrl-c-" + std::to_string(::getpid());
  int out_pipe[2], err_pipe[2];
  ASSERT_EQ(::pipe2(out_pipe, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(err_pipe, O_CLOEXEC), 0);
  const pid_t pid = test_support::spawn_command(
      {kSweetspot, "tune", kOps, "--memory", "128,256,512", "--num", "3", "--env", "SWEETSPOT_TEST_MARKER=" + marker,
       "--payload", R"({"op":"sleep","ms":300})", "--json", json_path},
      {}, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  std::string err, out;
  // A line at every tenth of the invokes: stop once some are measured and the
  // function is running again.
  const bool first_done = read_until(err_pipe[0], err, "invokes done", std::chrono::seconds(120));
  if (first_done) {
    for (int i = 0; i < 200 && processes_with_marker(marker) == 0; ++i) ::usleep(20000);
  }
  ::kill(pid, SIGINT);
  read_until(err_pipe[0], err, "\x04never", std::chrono::seconds(60));  // to EOF
  read_until(out_pipe[0], out, "\x04never", std::chrono::seconds(10));
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(first_done) << err;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "status " << status << "\n" << err;
  EXPECT_TRUE(contains(err, "sweetspot: interrupted")) << err;
  EXPECT_TRUE(contains(out, "interrupted")) << out;
  const json j = json::parse(util::read_file(json_path).value());
  EXPECT_GE(j["stats"].size(), 1u);
  EXPECT_LT(j["stats"].size(), 3u);
  EXPECT_EQ(processes_with_marker(marker), 0);
  EXPECT_TRUE(engine::testing::cgroups_of(host, pid).empty());
}

// `cmake --install` puts the binary, its runtimes and the price table under a
// prefix; the installed binary finds its runtimes relative to itself.
TEST(FirstRun, AnInstalledSweetspotRunsFromItsPrefix) {
  ScratchDir dir("install");
  const fs::path prefix = dir.path() / "prefix with space";
  auto install = run_command({"cmake", "--install", SWEETSPOT_BINARY_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  EXPECT_TRUE(fs::is_regular_file(prefix / "share/sweetspot/prices.json"));
  EXPECT_TRUE(fs::is_regular_file(prefix / "share/sweetspot/runtimes/python/bootstrap.py"));
  EXPECT_FALSE(fs::exists(prefix / "share/sweetspot/runtimes/python/tests"));
  // Marks the installed copy: the environment shows it at /var/runtime, as Lambda does.
  std::ofstream(prefix / "share/sweetspot/runtimes/python/installed-copy") << "yes";
  write_python_function(dir);
  // From another directory, with no SWEETSPOT_RUNTIMES_DIR (an empty value removes it).
  auto r = run_command({"env", "-C", "/", (prefix / "bin/sweetspot").string(), "invoke", (dir.path() / "py").string(),
                        "--no-limits"},
                       {{"SWEETSPOT_RUNTIMES_DIR", ""}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["runtime_dir"], "/var/runtime");
  const auto files = out["runtime_files"];
  EXPECT_NE(std::find(files.begin(), files.end(), "installed-copy"), files.end()) << files.dump();
}

}  // namespace
}  // namespace sweetspot::cli
