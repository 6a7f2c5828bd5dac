#include "engine/execution_environment.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/billing.h"
#include "engine/ids.h"
#include "engine/lambda_limits.h"
#include "engine/log_lines.h"
#include "engine/runtime_launch.h"
#include "sandbox/procfs.h"

namespace sweetspot::engine {
namespace {

using util::Clock;

std::atomic<int> g_next_environment_id{1};
constexpr size_t kLogTailBytes = 4096;

std::string error_json(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorType", type}, {"errorMessage", message}}.dump();
}

// The errorMessage of an error body a runtime posted, if it has one.
std::string error_message_of(const std::string& body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("errorMessage") && json["errorMessage"].is_string()) {
    return json["errorMessage"].get<std::string>();
  }
  return "";
}

// A runtime writing without a newline still gets its output cut into lines of at
// most this much (CloudWatch's largest log event is 256 KB): a log line never
// grows sweetspot's memory without bound.
constexpr size_t kMaxLogLineBytes = 256 * 1024;

}  // namespace

ExecutionEnvironment::ExecutionEnvironment(const FunctionConfig& config, const EnvironmentOptions& options, int id)
    : config_(config), options_(options), id_(id), log_stream_(new_log_stream_name(config.version)) {
  function_arn_ = "arn:aws:lambda:" + options_.region + ":000000000000:function:" + config_.name;
}

util::Result<std::unique_ptr<ExecutionEnvironment>> ExecutionEnvironment::create(const FunctionConfig& config,
                                                                                const EnvironmentOptions& options) {
  if (!valid_memory_mb(config.memory_mb)) {
    return util::fail("memory size " + std::to_string(config.memory_mb) + " MB is outside Lambda's range (" +
                      std::to_string(kMinMemoryMb) + " to " + std::to_string(kMaxMemoryMb) + " MB)");
  }
  std::unique_ptr<ExecutionEnvironment> env(new ExecutionEnvironment(config, options, g_next_environment_id++));
  if (options.limits == LimitsMode::kEnforced) {
    if (options.cgroup_host == nullptr) return util::fail("internal: enforced limits need a cgroup host");
    sandbox::CgroupLimits limits;
    limits.memory_bytes = static_cast<int64_t>(config.memory_mb) << 20;
    limits.cpus = options.init_cpu == InitCpu::kBurst ? std::max(2.0, cpu_share(config.memory_mb))
                                                      : cpu_share(config.memory_mb);
    limits.cpu_period = options.cpu_period;
    limits.visible_cores = std::min(visible_cores(config.memory_mb, options.min_visible_cores), options.cgroup_host->host_cpus);
    limits.max_pids = kMaxProcesses;
    auto cgroup = sandbox::Cgroup::create(*options.cgroup_host, "env-" + std::to_string(env->id_), limits);
    if (!cgroup) return std::unexpected(cgroup.error());
    env->cgroup_ = std::move(*cgroup);
  }
  auto server = RuntimeApiServer::create({.on_idle = [e = env.get()] { e->on_runtime_idle(); },
                                          .on_wake = [e = env.get()] { e->thaw(); }});
  if (!server) return std::unexpected(server.error());
  env->server_ = std::move(*server);
  if (auto started = env->start_runtime(); !started) return std::unexpected(started.error());
  return env;
}

// The one place Lambda's environment variables are put together. Precedence,
// lowest first: what the runtime needs (its launch spec), the caller's AWS
// settings, the function's own variables, then Lambda's reserved ones, which no
// function can override.
std::vector<std::string> ExecutionEnvironment::runtime_environment(const LaunchSpec& launch) const {
  std::map<std::string, std::string> vars = launch.env;
  for (auto& [k, v] : caller_aws_environment()) vars[k] = v;
  for (auto& [k, v] : config_.environment) vars[k] = v;
  const std::string region = vars.contains("AWS_REGION") ? vars["AWS_REGION"] : options_.region;
  vars["AWS_LAMBDA_RUNTIME_API"] = server_->address();
  vars["_HANDLER"] = config_.handler;
  vars["LAMBDA_TASK_ROOT"] = launch.working_dir.string();
  vars["AWS_LAMBDA_FUNCTION_NAME"] = config_.name;
  vars["AWS_LAMBDA_FUNCTION_VERSION"] = config_.version;
  vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config_.memory_mb);
  vars["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + config_.name;
  vars["AWS_LAMBDA_LOG_STREAM_NAME"] = log_stream_;
  vars["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  // Lambda names managed runtimes here; a custom runtime gets no AWS_EXECUTION_ENV.
  if (config_.runtime != RuntimeFamily::kProvided) vars["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + config_.runtime_id;
  vars["AWS_REGION"] = region;
  vars["AWS_DEFAULT_REGION"] = vars.contains("AWS_DEFAULT_REGION") ? vars["AWS_DEFAULT_REGION"] : region;
  // Not reserved: Lambda lets a function set its own time zone and locale.
  if (!config_.environment.contains("TZ")) vars["TZ"] = ":UTC";
  if (!config_.environment.contains("LANG")) vars["LANG"] = "en_US.UTF-8";
  if (options_.xray) {
    vars["AWS_XRAY_DAEMON_ADDRESS"] = options_.xray->address();
    vars["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
  }
  std::vector<std::string> env;
  for (auto& [k, v] : vars) env.push_back(k + "=" + v);
  return env;
}

util::Result<void> ExecutionEnvironment::start_runtime() {
  // Lambda's filesystem: the code read-only at /var/task, the runtime client at
  // /var/runtime, the layers merged at /opt, the rest of the host read-only and a
  // private /tmp the only writable place.
  auto launch = launch_spec(config_, PathLayout::kLambda);
  if (!launch) return std::unexpected(launch.error());

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return util::fail_errno("cannot create the log pipe");
  util::UniqueFd log_write(pipe_fds[1]);
  log_read_.reset(pipe_fds[0]);
  // Only our end is non-blocking: the runtime's writes block on a full pipe as on
  // Lambda, ours never wait.
  if (::fcntl(log_read_.get(), F_SETFL, O_NONBLOCK) != 0) return util::fail_errno("cannot set up the log pipe");

  sandbox::SpawnOptions spawn;
  spawn.argv = launch->argv;
  spawn.env = runtime_environment(*launch);
  spawn.cwd = launch->working_dir;
  spawn.view = launch->view;
  spawn.cgroup = cgroup_.get();
  spawn.tmp = sandbox::TmpIsolation::kPrivate;
  spawn.tmp_bytes = static_cast<int64_t>(config_.tmp_mb) << 20;
  spawn.max_open_files = kMaxOpenFiles;
  spawn.stdout_fd = log_write.get();
  spawn.stderr_fd = log_write.get();

  auto process = sandbox::Process::spawn(spawn);
  if (!process && options_.limits == LimitsMode::kUnenforced && process.error().kind == util::ErrorKind::kHost) {
    // Without privileges a mount namespace may be impossible; --no-limits runs
    // anyway, on the host's own paths and /tmp.
    auto host = launch_spec(config_, PathLayout::kHost);
    if (!host) return std::unexpected(host.error());
    spawn.argv = host->argv;
    spawn.env = runtime_environment(*host);
    spawn.cwd = host->working_dir;
    spawn.view.reset();
    spawn.tmp = sandbox::TmpIsolation::kShared;
    process = sandbox::Process::spawn(spawn);
  }
  // spawn() returns once the runtime is exec'd: INIT starts here. Joining the
  // cgroup before exec costs cgroup v1 an RCU grace period (~10 ms) that is the
  // sandbox's, not the function's, so it stays out of Init Duration.
  spawned_at_ = Clock::now();
  if (!process) {
    return util::fail("cannot start the runtime (" + launch->argv.front() + "): " + process.error().message,
                      process.error().kind);
  }
  process_.emplace(std::move(*process));
  log_write.reset();  // the child holds the only write end: EOF once it and its children are gone

  // The server's thread also reads the log and notices the runtime's exit: one
  // thread per environment.
  server_->watch(log_read_.get(), [this] { return read_log_once(); });
  server_->watch(process_->pidfd(), [this] {
    const auto status = process_->wait();
    {
      std::lock_guard lock(exit_mutex_);
      exit_status_ = status;
    }
    server_->notify_runtime_exited();
    return false;
  });
  state_ = State::kInitializing;
  rss_sampled_since_init_ = false;
  return {};
}

util::Result<void> ExecutionEnvironment::apply_invoke_cpu() {
  if (cgroup_ && options_.init_cpu == InitCpu::kBurst) {
    if (auto set = cgroup_->set_cpu_quota(cpu_share(config_.memory_mb), options_.cpu_period); !set) {
      return util::fail("cannot lower the CPU quota after INIT (the function would keep INIT's burst CPU): " +
                        set.error().message);
    }
  }
  return {};
}

util::Result<void> ExecutionEnvironment::restart_runtime() {
  stop_runtime();
  // The retried init runs inside the invoke, under its CPU.
  if (auto cpu = apply_invoke_cpu(); !cpu) return cpu;
  auto server = RuntimeApiServer::create({.on_idle = [this] { on_runtime_idle(); }, .on_wake = [this] { thaw(); }});
  if (!server) return std::unexpected(server.error());
  server_ = std::move(*server);
  return start_runtime();
}

void ExecutionEnvironment::stop_runtime() {
  if (server_) server_->detach_hooks();  // no freeze or thaw runs from here on
  if (cgroup_) {
    if (frozen_) (void)cgroup_->thaw();
    (void)cgroup_->kill_all();
  }
  if (process_) {
    if (options_.limits == LimitsMode::kUnenforced) ::kill(-process_->pid(), SIGKILL);
    process_->kill(SIGKILL);
  }
  frozen_ = false;
  if (server_) server_->unwatch_all();  // the process and the log are ours alone again
  if (process_) {
    const auto status = process_->wait();
    std::lock_guard lock(exit_mutex_);
    if (!exit_status_) exit_status_ = status;
  }
  drain_log();
  log_read_.reset();
  state_ = State::kDead;
}

ExecutionEnvironment::~ExecutionEnvironment() {
  stop_runtime();
  server_.reset();  // unblocks and joins its handlers
  cgroup_.reset();  // removes the group
}

void ExecutionEnvironment::freeze() {
  if (frozen_) return;
  if (cgroup_) {
    frozen_ = cgroup_->freeze().has_value();
  } else if (process_) {
    frozen_ = ::kill(-process_->pid(), SIGSTOP) == 0;
  }
}

void ExecutionEnvironment::on_runtime_idle() {
  {
    std::lock_guard lock(idle_mutex_);
    idle_at_ = util::Clock::now();
  }
  idle_cv_.notify_all();
  freeze();
}

void ExecutionEnvironment::record_trace(Invocation& inv, InvokePhases phases, bool wait_for_next) {
  if (wait_for_next) {
    // Overhead lasts until the runtime asks for the next event; bounded, since a
    // runtime may do its own work first (it is then shown in progress).
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return idle_at_ && *idle_at_ >= phases.invocation_end; });
    if (idle_at_ && *idle_at_ >= phases.invocation_end) phases.overhead_end = *idle_at_;
  }
  inv.trace = function_segments(inv.trace_header, config_.name, phases, ClockPair::now());
  if (options_.xray) {
    // The SDK sends each subsegment as it closes, before the response: collect()
    // reads what is still queued first.
    CollectedTrace sent = options_.xray->collect(trace_root(inv.trace_header));
    inv.trace_dropped = sent.dropped;
    inv.trace.reserve(inv.trace.size() + sent.segments.size());
    for (auto& s : sent.segments) inv.trace.push_back(std::move(s));
  }
}

void ExecutionEnvironment::thaw() {
  if (!frozen_) return;
  if (cgroup_) {
    (void)cgroup_->thaw();
  } else if (process_) {
    ::kill(-process_->pid(), SIGCONT);
  }
  frozen_ = false;
}

ExecutionEnvironment::UsageSnapshot ExecutionEnvironment::read_usage() const {
  UsageSnapshot snap;
  if (cgroup_) {
    if (auto usage = cgroup_->usage()) {
      snap.cpu_ms = std::chrono::duration<double, std::milli>(usage->cpu_time).count();
      snap.peak_bytes = usage->memory_peak_bytes;
      snap.oom_kills = usage->oom_kills;
    }
  } else if (process_) {
    // --no-limits: no cgroup counts, so the runtime process alone, from /proc.
    snap.cpu_ms = std::chrono::duration<double, std::milli>(sandbox::process_cpu_time(process_->pid())).count();
    snap.peak_bytes = sandbox::peak_resident_bytes(process_->pid());
  }
  return snap;
}

// The cgroup's high-water mark misses pages another cgroup touched first (a
// runtime's shared libraries already in the page cache), which Lambda's VM does
// count: so also the resident sets of the environment's processes, sampled at
// the end of every invoke, and the larger. (Anonymous memory, the part that
// peaks inside an invoke, is charged to the cgroup and so in its mark.)
int64_t ExecutionEnvironment::environment_peak_bytes(const UsageSnapshot& usage) {
  // After a cold start, each process's own high-water mark (VmHWM), which holds
  // init's peak; on warm invokes the cheaper resident set.
  const bool after_init = !rss_sampled_since_init_;
  rss_sampled_since_init_ = true;
  int64_t rss = 0;
  if (cgroup_) {
    if (auto pids = cgroup_->pids()) {
      for (pid_t pid : *pids) rss += after_init ? sandbox::peak_resident_bytes(pid) : sandbox::resident_bytes(pid);
    }
  } else if (process_) {
    rss = sandbox::peak_resident_bytes(process_->pid());
  }
  peak_rss_bytes_ = std::max(peak_rss_bytes_, rss);
  return std::max(usage.peak_bytes, peak_rss_bytes_);
}

bool ExecutionEnvironment::read_log_once() {
  char buffer[16384];
  std::lock_guard lock(log_mutex_);
  const ssize_t n = ::read(log_read_.get(), buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;  // EOF: every writer is gone
  consume_log_bytes(std::string_view(buffer, static_cast<size_t>(n)));
  return true;
}

// Everything the runtime wrote before it posted its result is already in the
// pipe: read it now so the function's output comes before END and REPORT.
void ExecutionEnvironment::drain_log() {
  if (!log_read_) return;
  std::lock_guard lock(log_mutex_);
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(log_read_.get(), buffer, sizeof buffer);  // non-blocking
    if (n <= 0) break;
    consume_log_bytes(std::string_view(buffer, static_cast<size_t>(n)));
  }
  if (!partial_line_.empty()) {
    partial_line_ += '\n';
    emit(partial_line_);
    partial_line_.clear();
  }
}

void ExecutionEnvironment::consume_log_bytes(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t room = kMaxLogLineBytes - partial_line_.size();
    const size_t nl = bytes.substr(0, room).find('\n');
    if (nl != std::string_view::npos) {
      partial_line_.append(bytes.substr(0, nl + 1));
      bytes.remove_prefix(nl + 1);
    } else if (bytes.size() >= room) {
      partial_line_.append(bytes.substr(0, room));  // a full line's worth without a newline: cut it here
      bytes.remove_prefix(room);
      partial_line_ += '\n';
    } else {
      partial_line_.append(bytes);
      return;
    }
    emit(partial_line_);
    partial_line_.clear();
  }
}

void ExecutionEnvironment::emit(std::string_view line) {
  invoke_log_.append(line);
  if (invoke_log_.size() > 4 * kLogTailBytes) invoke_log_.erase(0, invoke_log_.size() - kLogTailBytes);
  if (options_.events) options_.events->on_log(id_, line);
}

Invocation ExecutionEnvironment::fail_invocation(Invocation inv, Outcome outcome, std::string type,
                                                 std::string message) {
  inv.outcome = outcome;
  inv.error_type = std::move(type);
  inv.error_message = std::move(message);
  inv.response = error_json(inv.error_type, inv.error_message);
  return inv;
}

Invocation ExecutionEnvironment::invoke(const InvokeInput& input) {
  Invocation inv;
  inv.request_id = new_request_id();
  inv.memory_mb = config_.memory_mb;
  inv.limits_enforced = options_.limits == LimitsMode::kEnforced;
  inv.start = state_ == State::kInitializing ? StartKind::kCold : StartKind::kWarm;
  inv.trace_header = new_trace_id();
  std::optional<Clock::time_point> sent;  // when the event was handed to the server
  {
    std::lock_guard lock(log_mutex_);
    invoke_log_.clear();
  }

  auto finish = [&](Invocation& r, std::optional<double> duration_cap_ms = std::nullopt) {
    {
      // Lambda's phases, from the record's own figures so the trace agrees with REPORT.
      const auto ms = [](double v) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(v)); };
      InvokePhases phases;
      if (r.init_duration_ms) {
        phases.init_start = spawned_at_;
        phases.init_end = spawned_at_ + ms(*r.init_duration_ms);
      }
      const auto now = Clock::now();
      phases.invocation_start = sent ? std::max(server_->delivered_at(), *sent) : now;
      phases.invocation_end = sent ? phases.invocation_start + ms(r.duration_ms) : now;
      record_trace(r, phases, sent.has_value() && alive());
    }
    r.billed_duration_ms = billed_duration_ms(duration_cap_ms.value_or(r.duration_ms), r.init_duration_ms);
    drain_log();
    std::lock_guard lock(log_mutex_);
    emit(end_line(r.request_id));
    emit(report_line(r));
    r.log_tail = invoke_log_.size() > kLogTailBytes ? invoke_log_.substr(invoke_log_.size() - kLogTailBytes)
                                                    : invoke_log_;
    return r;
  };
  auto exit_error = [&](Invocation r, const UsageSnapshot& before) {
    const UsageSnapshot after = read_usage();
    std::optional<sandbox::ExitStatus> status;
    {
      std::lock_guard lock(exit_mutex_);
      status = exit_status_;
    }
    const std::string how = status ? status->describe() : "signal: killed";
    const std::string message = "RequestId: " + r.request_id + " Error: Runtime exited with error: " + how;
    r.max_memory_used_mb = bytes_to_reported_mb(environment_peak_bytes(after));
    r.cpu_time_ms = std::max(0.0, after.cpu_ms - before.cpu_ms);
    stop_runtime();
    if (after.oom_kills > before.oom_kills) return fail_invocation(r, Outcome::kOutOfMemory, "Runtime.OutOfMemory", message);
    return fail_invocation(r, Outcome::kRuntimeExit, "Runtime.ExitError", message);
  };

  if (!alive()) {
    inv = fail_invocation(inv, Outcome::kRuntimeExit, "Runtime.ExitError",
                          "RequestId: " + inv.request_id + " Error: the execution environment was reset");
    return inv;
  }
  if (input.payload.size() > static_cast<size_t>(kMaxPayloadBytes)) {
    return fail_invocation(inv, Outcome::kPayloadTooLarge, "RequestEntityTooLarge",
                           "Request must be smaller than " + std::to_string(kMaxPayloadBytes) +
                               " bytes for the InvokeFunction operation");
  }

  const UsageSnapshot at_spawn{};
  const auto timeout = std::chrono::microseconds(static_cast<int64_t>(std::llround(config_.timeout_s * 1e6)));
  // One deadline per invoke: set when the invoke's clock starts (the event handed
  // over, or a retried init begun), and never renewed inside it.
  std::optional<Clock::time_point> deadline;
  auto timed_out = [&](Invocation r) {
    // Duration counts from the same start as the deadline, so it is never below
    // the timeout (the wait returned at or after the deadline).
    r.duration_ms = util::elapsed_ms(*deadline - timeout, Clock::now());
    if (server_) server_->abandon_current();
    stop_runtime();
    {
      std::lock_guard lock(log_mutex_);
      emit(timeout_line(r.request_id, config_.timeout_s));
    }
    std::string message = "RequestId: " + r.request_id + " Error: " + timeout_message(config_.timeout_s);
    r = fail_invocation(std::move(r), Outcome::kTimeout, "Sandbox.Timedout", std::move(message));
    return finish(r, config_.timeout_s * 1000.0);
  };

  double retried_init_ms = 0;
  if (state_ == State::kInitializing) {
    // INIT: up to 10 s; then Lambda retries init inside the invoke, under the
    // function's timeout.
    auto init_deadline = spawned_at_ + std::chrono::milliseconds(static_cast<int64_t>(kInitLimitS * 1000));
    WaitResult waited = server_->wait_for_init(init_deadline);
    bool retried = false;
    if (waited == WaitResult::kDeadline) {
      // The suppressed init is reported; the retry runs inside this invoke, so
      // its time counts in the invoke's duration and against its timeout.
      inv.init_duration_ms = util::elapsed_ms(spawned_at_, Clock::now());
      deadline = Clock::now() + timeout;
      if (auto restarted = restart_runtime(); !restarted) {
        stop_runtime();
        return fail_invocation(inv, Outcome::kInitError, "Runtime.Unknown", restarted.error().message);
      }
      retried = true;
      waited = server_->wait_for_init(*deadline);
      if (waited == WaitResult::kDeadline) {
        {
          std::lock_guard lock(log_mutex_);
          emit(start_line(inv.request_id, config_.version));
        }
        return timed_out(inv);
      }
      retried_init_ms = util::elapsed_ms(*deadline - timeout, Clock::now());
    } else {
      inv.init_duration_ms = util::elapsed_ms(spawned_at_, waited == WaitResult::kDone ? server_->init_done_at() : Clock::now());
    }
    if (waited == WaitResult::kInitError) {
      const RuntimeReport report = *server_->init_error();
      if (!retried) inv.init_duration_ms = util::elapsed_ms(spawned_at_, report.at);
      {
        std::lock_guard lock(log_mutex_);
        emit(start_line(inv.request_id, config_.version));
      }
      const UsageSnapshot after = read_usage();
      inv.max_memory_used_mb = bytes_to_reported_mb(environment_peak_bytes(after));
      stop_runtime();
      inv.outcome = Outcome::kInitError;
      inv.error_type = report.error_type;
      inv.response = report.body;
      inv.error_message = error_message_of(report.body);
      return finish(inv);
    }
    if (waited == WaitResult::kRuntimeExited) {
      {
        std::lock_guard lock(log_mutex_);
        emit(start_line(inv.request_id, config_.version));
      }
      Invocation r = exit_error(inv, at_spawn);
      return finish(r);
    }
    state_ = State::kReady;
    // The runtime waits in /next (frozen): nothing runs between INIT's burst CPU
    // and the invoke's share. A quota that does not take is an error, not a
    // silently faster function.
    if (!retried) {
      if (auto cpu = apply_invoke_cpu(); !cpu) {
        stop_runtime();
        return fail_invocation(inv, Outcome::kInitError, "Sandbox.Error", cpu.error().message);
      }
    }
  }

  // A warm environment has been frozen since the last reading: reuse it rather
  // than read the kernel's counters again on the hot path.
  const UsageSnapshot before = last_usage_ ? *last_usage_ : read_usage();
  last_usage_.reset();
  {
    std::lock_guard lock(log_mutex_);
    emit(start_line(inv.request_id, config_.version));
  }
  const auto sent_at = Clock::now();
  if (!deadline) deadline = sent_at + timeout;
  InvokeEvent event;
  event.request_id = inv.request_id;
  event.payload = input.payload;
  event.deadline_epoch_ms =
      util::epoch_ms_now() + std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - sent_at).count();
  event.function_arn = function_arn_;
  event.trace_id = inv.trace_header;
  event.client_context = input.client_context;
  event.cognito_identity = input.cognito_identity;
  if (options_.xray) options_.xray->expect(trace_root(inv.trace_header));
  {
    std::lock_guard lock(idle_mutex_);
    idle_at_.reset();
  }
  server_->deliver(std::move(event));
  sent = sent_at;
  const WaitResult waited = server_->wait_for_result(*deadline);

  if (waited == WaitResult::kDone) {
    const RuntimeReport report = server_->take_result();
    const UsageSnapshot after = read_usage();
    last_usage_ = after;
    inv.duration_ms = util::elapsed_ms(server_->delivered_at(), report.at) + retried_init_ms;
    inv.max_memory_used_mb = bytes_to_reported_mb(environment_peak_bytes(after));
    inv.cpu_time_ms = std::max(0.0, after.cpu_ms - before.cpu_ms);
    if (after.oom_kills > before.oom_kills) {
      // A process of the environment was killed for memory: Lambda resets it.
      stop_runtime();
      Invocation r = fail_invocation(inv, Outcome::kOutOfMemory, "Runtime.OutOfMemory",
                                     "RequestId: " + inv.request_id +
                                         " Error: Runtime exited with error: signal: killed");
      return finish(r);
    }
    inv.response = report.body;
    if (report.kind == RuntimeReport::Kind::kResponse) {
      inv.outcome = Outcome::kSuccess;
    } else {
      inv.outcome = report.kind == RuntimeReport::Kind::kResponseTooLarge ? Outcome::kPayloadTooLarge
                                                                          : Outcome::kFunctionError;
      inv.error_type = report.error_type;
      inv.error_message = error_message_of(report.body);
    }
    return finish(inv);
  }

  const auto delivered = server_->delivered_at();
  inv.duration_ms = util::elapsed_ms(delivered > sent_at ? delivered : sent_at, Clock::now()) + retried_init_ms;
  if (waited == WaitResult::kRuntimeExited) {
    Invocation r = exit_error(inv, before);
    return finish(r);
  }

  // Timeout: Lambda prints the line, bills the timeout and resets the environment.
  const UsageSnapshot after = read_usage();
  inv.max_memory_used_mb = bytes_to_reported_mb(environment_peak_bytes(after));
  inv.cpu_time_ms = std::max(0.0, after.cpu_ms - before.cpu_ms);
  return timed_out(inv);
}

}  // namespace sweetspot::engine
