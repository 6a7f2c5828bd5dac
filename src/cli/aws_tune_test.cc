// End-to-end: `sweetspot tune` on a function deployed in a Lambda API. moto_server
// holds the function (configuration, versions, aliases); in front of it
// src/aws/testing/lambda_endpoint.py checks every request's SigV4 signature with
// botocore's signer, injects faults, and (where a test asks) answers invokes
// with a REPORT log tail, since moto's own invokes need docker.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "cli/moto_server.h"
#include "cli/test_command.h"

namespace sweetspot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::BackgroundProcess;
using test_support::CommandResult;
using test_support::run_command;

constexpr const char* kSweetspot = SWEETSPOT_BINARY_DIR "/src/cli/sweetspot";
constexpr const char* kEndpointScript = SWEETSPOT_SOURCE_DIR "/src/aws/testing/lambda_endpoint.py";
constexpr const char* kMotoScript = SWEETSPOT_SOURCE_DIR "/src/aws/testing/moto_lambda.py";
constexpr const char* kOpsFunction = SWEETSPOT_BINARY_DIR "/testdata/functions/ops";
constexpr const char* kKeyId = "AKIDSWEETSPOTTEST";
constexpr const char* kSecret = "sweetspot-test-secret-value";
constexpr const char* kFunction = "tuned-fn";
constexpr const char* kDescription = "the user's own description";




class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/sweetspot-aws-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return path_ / name;
  }

 private:
  fs::path path_;
};

// The checking endpoint in front of `upstream`; its URL once it listens.
std::string start_checking_endpoint(std::optional<BackgroundProcess>& process, const ScratchDir& scratch,
                                    const std::string& upstream, const std::string& faults, bool answer_invokes) {
  const fs::path port_file = scratch.path() / "endpoint.port";
  std::vector<std::string> argv = {test_support::test_venv_program("python3"), kEndpointScript, "--upstream", upstream,
                                   "--port-file", port_file.string(), "--key", std::string(kKeyId) + ":" + kSecret,
                                   "--faults", faults};
  if (answer_invokes) argv.push_back("--answer-invokes");
  process.emplace(argv, std::map<std::string, std::string>{});
  for (int i = 0; i < 240 && !fs::exists(port_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  if (!fs::exists(port_file)) return "";
  std::ifstream in(port_file);
  std::string port;
  in >> port;
  return "http://127.0.0.1:" + port;
}

json stats_of(const std::string& endpoint_url) {
  const CommandResult r = run_command({"curl", "-sf", endpoint_url + "/__test/stats"});
  EXPECT_EQ(r.exit_code, 0);
  return json::parse(r.out, nullptr, false);
}

void expect_all_signatures_good(const std::string& endpoint_url) {
  const json s = stats_of(endpoint_url);
  EXPECT_EQ(s["bad_signatures"], json::array()) << s["bad_signatures"].dump(2);
  EXPECT_GT(s["requests"].get<int>(), 0);
  EXPECT_EQ(s["signed_ok"], s["requests"]);
}

class AwsTuneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(moto_.wait_ready()) << moto_.not_ready_message();
    moto_url_ = moto_.url();
    const CommandResult created =
        run_command({test_support::test_venv_program("python3"), kMotoScript, moto_url_, "create", kFunction, "256", kDescription});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    arn_ = std::string(test_support_trim(created.out));
  }

  static std::string_view test_support_trim(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    return s;
  }

  // Starts the checking endpoint in front of moto with these faults.
  void start_endpoint(const std::string& faults = "[]", bool answer_invokes = true) {
    endpoint_url_ = start_checking_endpoint(endpoint_, scratch_, moto_url_, faults, answer_invokes);
    ASSERT_FALSE(endpoint_url_.empty()) << "the test endpoint did not start";
  }

  // Credentials only from these variables and files: nothing of the machine's own.
  std::map<std::string, std::string> aws_env(bool with_keys = true) const {
    std::map<std::string, std::string> env = {
        {"HOME", scratch_.path().string()},
        {"AWS_CONFIG_FILE", (scratch_.path() / "config").string()},
        {"AWS_SHARED_CREDENTIALS_FILE", (scratch_.path() / "credentials").string()},
        {"AWS_PROFILE", ""},           {"AWS_REGION", ""},
        {"AWS_DEFAULT_REGION", ""},    {"AWS_SESSION_TOKEN", ""},
        {"AWS_ENDPOINT_URL", ""},      {"AWS_MAX_ATTEMPTS", ""}};
    if (with_keys) {
      env["AWS_ACCESS_KEY_ID"] = kKeyId;
      env["AWS_SECRET_ACCESS_KEY"] = kSecret;
    } else {
      env["AWS_ACCESS_KEY_ID"] = "";
      env["AWS_SECRET_ACCESS_KEY"] = "";
    }
    return env;
  }

  CommandResult tune(std::vector<std::string> args, const std::map<std::string, std::string>& env) const {
    std::vector<std::string> argv = {kSweetspot, "tune"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env, std::chrono::seconds(240));
  }

  json state() const {
    const CommandResult r = run_command({test_support::test_venv_program("python3"), kMotoScript, moto_url_, "state", kFunction});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  json stats() const { return stats_of(endpoint_url_); }

  // The function is as the test made it: size, description, no versions or aliases left.
  void expect_restored() const {
    const json s = state();
    EXPECT_EQ(s["memory"], 256) << s.dump();
    EXPECT_EQ(s["description"], kDescription) << s.dump();
    EXPECT_EQ(s["versions"], json::array({"$LATEST"})) << s.dump();
    EXPECT_EQ(s["aliases"], json::array()) << s.dump();
  }

  // Every request reached the endpoint signed as botocore signs.
  void expect_all_signatures_good() const { sweetspot::cli::expect_all_signatures_good(endpoint_url_); }

  static void expect_no_secret(const std::string& text) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << "the secret key leaked into output";
  }

  ScratchDir scratch_;
  std::string moto_url_, endpoint_url_, arn_;
  test_support::MotoServer moto_;
  std::optional<BackgroundProcess> endpoint_;
};

int count_of(const json& operations, const std::string& op) {
  int n = 0;
  for (const auto& o : operations) n += o == op;
  return n;
}

TEST_F(AwsTuneTest, TunesEverySizeThroughTheApiAndRestoresTheFunction) {
  start_endpoint();
  const fs::path result_file = scratch_.path() / "result.json";
  // The ARN form: its colons are %3A in the path, which the signature encodes again.
  const CommandResult r = tune({arn_, "--endpoint-url", endpoint_url_, "--memory", "128,512,1024", "--num", "3",
                                "--json", result_file.string()},
                               aws_env());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("this run's own AWS cost: at most $"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("restored the function"), std::string::npos) << r.err;
  std::ifstream in(result_file);
  const json result = json::parse(in, nullptr, false);
  ASSERT_TRUE(result.is_object());
  EXPECT_NE(result.dump().find("AWS Lambda function tuned-fn in us-east-1"), std::string::npos);
  ASSERT_EQ(result["stats"].size(), 3u) << result.dump(2);
  for (const auto& size : result["stats"]) EXPECT_GT(size["averageDuration"].get<double>(), 0) << size.dump();
  expect_no_secret(r.out + r.err + result.dump());

  expect_restored();
  expect_all_signatures_good();
  const json ops = stats()["operations"];
  // The tuner may visit a size in several rounds: a version per visit, every one deleted.
  EXPECT_GE(count_of(ops, "POST /versions"), 3);
  EXPECT_EQ(count_of(ops, "DELETE /function"), count_of(ops, "POST /versions"));
  EXPECT_EQ(count_of(ops, "POST /aliases"), 3);
  EXPECT_EQ(count_of(ops, "DELETE /aliases/NAME"), 3);
  EXPECT_EQ(count_of(ops, "POST /invocations"), 9);
}

TEST_F(AwsTuneTest, InvokesThatAllFailMarkEverySizeAndTheFunctionIsStillRestored) {
  start_endpoint("[]", /*answer_invokes=*/false);  // moto's invokes fail here: no docker
  const CommandResult r = tune({"--function-name", kFunction, "--region", "us-east-1", "--endpoint-url",
                                endpoint_url_, "--memory", "128,256", "--num", "2"},
                               aws_env());
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;  // no size worked
  EXPECT_NE(r.err.find("restored the function"), std::string::npos) << r.err;
  expect_restored();
  expect_all_signatures_good();
  EXPECT_EQ(count_of(stats()["operations"], "POST /invocations"), 4);
}

TEST_F(AwsTuneTest, DryRunInvokesOnceAndChangesNothing) {
  start_endpoint();
  const CommandResult r = tune({"--function-name", kFunction, "--region", "us-east-1", "--endpoint-url",
                                endpoint_url_, "--dry-run"},
                               aws_env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("256 MB: Duration"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("REPORT RequestId"), std::string::npos) << r.err;
  const json ops = stats()["operations"];
  EXPECT_EQ(count_of(ops, "PUT /configuration"), 0);
  EXPECT_EQ(count_of(ops, "POST /versions"), 0);
  EXPECT_EQ(count_of(ops, "POST /invocations"), 1);
  expect_restored();
  expect_all_signatures_good();
}

TEST_F(AwsTuneTest, AssumeRoleProfileSignsWithTheRolesSessionCredentials) {
  start_endpoint();
  scratch_.write("credentials", std::string("[base]\naws_access_key_id = ") + kKeyId +
                                    "\naws_secret_access_key = " + kSecret + "\n");
  scratch_.write("config",
                 "[profile base]\nregion = us-east-1\n"
                 "[profile cross]\nrole_arn = arn:aws:iam::123456789012:role/tuner\nsource_profile = base\n"
                 "region = us-east-1\n");
  auto env = aws_env(/*with_keys=*/false);
  env["AWS_ENDPOINT_URL_STS"] = endpoint_url_;
  const CommandResult r = tune({"--function-name", kFunction, "--profile", "cross", "--endpoint-url", endpoint_url_,
                                "--memory", "128", "--num", "2"},
                               env);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("role arn:aws:iam::123456789012:role/tuner"), std::string::npos) << r.err;
  expect_no_secret(r.out + r.err);
  const json s = stats();
  EXPECT_EQ(count_of(s["operations"], "POST /"), 1);  // sts:AssumeRole
  // Every Lambda call carried the role's session token, signed.
  EXPECT_GE(s["session_tokens_seen"].get<int>(), count_of(s["operations"], "POST /invocations"));
  EXPECT_GT(count_of(s["operations"], "POST /invocations"), 0);
  expect_all_signatures_good();
  expect_restored();
}

TEST_F(AwsTuneTest, ThrottlingServerErrorsAndDroppedConnectionsAreRetried) {
  start_endpoint(R"([{"match": "PUT /configuration", "status": 429, "times": 2},
                     {"match": "POST /versions", "status": 500, "times": 2},
                     {"match": "POST /aliases", "status": 503, "times": 1},
                     {"match": "POST /invocations", "drop": true, "times": 1},
                     {"match": "POST /invocations", "status": 429, "times": 1},
                     {"match": "DELETE /function", "drop": true, "times": 1}])");
  const fs::path result_file = scratch_.path() / "result.json";
  const CommandResult r = tune({"--function-name", kFunction, "--region", "us-east-1", "--endpoint-url",
                                endpoint_url_, "--memory", "128,512", "--num", "2", "--json", result_file.string()},
                               aws_env());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(stats()["faults_fired"], 8);
  std::ifstream in(result_file);
  const json result = json::parse(in, nullptr, false);
  ASSERT_EQ(result["stats"].size(), 2u) << result.dump(2);
  for (const auto& size : result["stats"]) EXPECT_GT(size["averageDuration"].get<double>(), 0) << size.dump();
  expect_restored();
  expect_all_signatures_good();
}

TEST_F(AwsTuneTest, AnUpdateStuckInProgressHitsTheTimeLimitAndThePrintedCommandRestores) {
  // Once sweetspot has changed the function, every read says the update is still running.
  start_endpoint(R"([{"match": "GET /configuration", "stuck": true, "after": "PUT /configuration"}])");
  const CommandResult r = tune({"--function-name", kFunction, "--region", "us-east-1", "--endpoint-url",
                                endpoint_url_, "--memory", "128,512", "--num", "1", "--update-timeout", "1"},
                               aws_env());
  EXPECT_EQ(r.exit_code, 3) << r.err << r.out;  // not restored: the environment's fault, said loudly
  EXPECT_NE(r.out.find("InProgress"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("could not be fully restored"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(stats()["operations"], "POST /invocations"), 0);
  // The printed command is exactly what puts the function back.
  const size_t at = r.err.find("aws lambda update-function-configuration");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::string command = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_NE(command.find("--endpoint-url " + endpoint_url_), std::string::npos) << command;
  const CommandResult fixed = run_command({"bash", "-c", command + " >/dev/null"}, aws_env());
  ASSERT_EQ(fixed.exit_code, 0) << command << "\n" << fixed.err;
  expect_restored();
  expect_all_signatures_good();  // the AWS CLI's own request too
}

TEST_F(AwsTuneTest, InterruptedHalfWayRestoresTheFunction) {
  // Slow invokes, so that the run is surely in the middle when Ctrl-C comes.
  start_endpoint(R"([{"match": "POST /invocations", "delay": 0.3}])");
  const std::vector<std::string> argv = {kSweetspot, "tune", arn_, "--endpoint-url", endpoint_url_,
                                         "--memory", "128,256,512,1024", "--num", "3"};
  const pid_t pid = test_support::spawn_command(argv, aws_env(), -1, -1);
  bool half_way = false;
  for (int i = 0; i < 1200 && !half_way; ++i) {
    const json s = stats();
    half_way = s.is_object() && count_of(s["operations"], "POST /invocations") >= 4;  // into the second size
    if (!half_way) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(half_way);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(test_support::decode_status(status), 130);
  EXPECT_LT(count_of(stats()["operations"], "POST /invocations"), 12);
  expect_restored();
  expect_all_signatures_good();
}

TEST_F(AwsTuneTest, ApplySetsTheRecommendedSizeOnAnAlias) {
  start_endpoint();
  const CommandResult r = tune({"--function-name", kFunction, "--region", "us-east-1", "--endpoint-url",
                                endpoint_url_, "--memory", "128,1024", "--num", "2", "--apply", "--alias", "live"},
                               aws_env());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("--apply: published version"), std::string::npos) << r.err;
  const json s = state();
  EXPECT_EQ(s["memory"], 256);  // $LATEST as it was
  EXPECT_EQ(s["aliases"], json::array({"live"}));
  EXPECT_EQ(s["versions"].size(), 2u) << s.dump();
  expect_all_signatures_good();
}

TEST_F(AwsTuneTest, BadInputIsAUsageError) {
  CommandResult r = tune({"arn:aws:lambda:us-east-1:12:function:f"}, aws_env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a Lambda function ARN"), std::string::npos) << r.err;
  r = tune({"--function-name", "f", "--region", "us-east-1", "--dry-run", "--apply"}, aws_env());
  EXPECT_EQ(r.exit_code, 2);
  r = tune({"--function-name", "f"}, aws_env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no AWS region"), std::string::npos) << r.err;
  r = tune({"--function-name", "f", "--region", "us-east-1"}, aws_env(/*with_keys=*/false));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no AWS credentials found"), std::string::npos) << r.err;
  scratch_.write("credentials", std::string("[default]\naws_secret_access_key ") + kSecret + "\n");
  r = tune({"--function-name", "f", "--region", "us-east-1"}, aws_env(/*with_keys=*/false));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  expect_no_secret(r.err);
}

// The whole loop: sweetspot tuning through the Lambda API a function that
// `sweetspot serve` runs in local execution environments (signatures checked
// on the way by the same botocore endpoint).
TEST(AwsTuneAgainstServe, AWholeTuneThroughTheApi) {
  if (::geteuid() != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "serve needs root and cgroups under CI=true";
    GTEST_SKIP() << "sweetspot serve needs root (cgroups) to run environments";
  }
  ScratchDir scratch;
  const fs::path serve_log = scratch.path() / "serve.log";
  const int log_fd = ::open(serve_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(log_fd, 0);
  const pid_t serve = test_support::spawn_command({kSweetspot, "serve", kOpsFunction, "--port", "0", "--memory", "256"},
                                                  {}, -1, log_fd);
  ::close(log_fd);
  struct Stop {
    pid_t pid;
    ~Stop() {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  } stop{serve};
  std::string serve_url;
  for (int i = 0; i < 480 && serve_url.empty(); ++i) {
    std::ifstream in(serve_log);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const size_t at = text.find("Lambda API on ");
    if (at != std::string::npos && text.find(" for ", at) != std::string::npos) {
      serve_url = text.substr(at + 14, text.find(" for ", at) - at - 14);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  ASSERT_FALSE(serve_url.empty()) << "sweetspot serve did not start";

  std::optional<BackgroundProcess> endpoint;
  const std::string endpoint_url = start_checking_endpoint(endpoint, scratch, serve_url, "[]", false);
  ASSERT_FALSE(endpoint_url.empty());
  const fs::path result_file = scratch.path() / "result.json";
  const std::map<std::string, std::string> env = {
      {"HOME", scratch.path().string()}, {"AWS_CONFIG_FILE", "/nonexistent"},
      {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}, {"AWS_PROFILE", ""}, {"AWS_SESSION_TOKEN", ""},
      {"AWS_ACCESS_KEY_ID", kKeyId}, {"AWS_SECRET_ACCESS_KEY", kSecret}};
  const CommandResult r = run_command({kSweetspot, "tune", "--function-name", "ops", "--region", "us-east-1",
                                       "--endpoint-url", endpoint_url, "--memory", "128,1024", "--num", "3",
                                       "--payload", R"({"op":"spin","ms":30})", "--json", result_file.string()},
                                      env, std::chrono::seconds(240));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::ifstream in(result_file);
  const json result = json::parse(in, nullptr, false);
  ASSERT_EQ(result["stats"].size(), 2u) << result.dump(2);
  for (const auto& size : result["stats"]) EXPECT_GT(size["averageDuration"].get<double>(), 0) << size.dump();
  EXPECT_NE(result.dump().find("AWS Lambda function ops in us-east-1"), std::string::npos);
  expect_all_signatures_good(endpoint_url);

  // serve's function is as it was: 256 MB, no versions or aliases left.
  const CommandResult state = run_command({test_support::test_venv_program("python3"), kMotoScript, serve_url, "state", "ops"});
  ASSERT_EQ(state.exit_code, 0) << state.err;
  const json s = json::parse(state.out, nullptr, false);
  EXPECT_EQ(s["memory"], 256) << s.dump();
  EXPECT_EQ(s["versions"], json::array({"$LATEST"})) << s.dump();
  EXPECT_EQ(s["aliases"], json::array()) << s.dump();
}

}  // namespace
}  // namespace sweetspot::cli
