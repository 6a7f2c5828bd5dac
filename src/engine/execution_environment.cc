#include "engine/execution_environment.h"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/billing.h"
#include "engine/ids.h"
#include "engine/log_lines.h"

namespace sweetspot::engine {

using engine_api::FunctionConfig;
using engine_api::Invocation;
using engine_api::Outcome;
using engine_api::StartKind;
using engine_api::cpu_share;
using engine_api::kMaxMemoryMb;
using engine_api::kMaxPayloadBytes;
using engine_api::kMaxProcesses;
using engine_api::kMinMemoryMb;
using engine_api::valid_memory_mb;
using engine_api::visible_cores;

namespace {

using util::Clock;

std::atomic<int> g_next_environment_id{1};

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

// The platform's own error (not the function's): Lambda's error body.
void set_error(Invocation& inv, Outcome outcome, std::string type, std::string message) {
  inv.outcome = outcome;
  inv.error_type = std::move(type);
  inv.error_message = std::move(message);
  inv.response = error_json(inv.error_type, inv.error_message);
}

Clock::duration from_ms(double ms) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

}  // namespace

ExecutionEnvironment::ExecutionEnvironment(const FunctionConfig& config, const EnvironmentOptions& options, int id)
    : config_(config),
      options_(options),
      id_(id),
      log_stream_(new_log_stream_name(config.version)),
      log_(options.events, id),
      usage_(nullptr) {
  function_arn_ = fmt::format("arn:aws:lambda:{}:{}:function:{}", options_.region, engine_api::kLocalAccountId, config_.name);
}

RuntimeApiServer::Hooks ExecutionEnvironment::hooks(ExecutionEnvironment* env) {
  return {.on_idle = [env] { env->on_runtime_idle(); }, .on_wake = [env] { env->runtime_->thaw(); }};
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
    env->usage_ = UsageMeter(env->cgroup_.get());
  }
  auto server = RuntimeApiServer::create({});  // hooks: in start_runtime()
  if (!server) return std::unexpected(server.error());
  env->server_ = std::move(*server);
  if (auto started = env->start_runtime(); !started) return std::unexpected(started.error());
  return env;
}

util::Result<void> ExecutionEnvironment::start_runtime() {
  runtime_ = std::make_unique<RuntimeProcess>(cgroup_.get());
  // The hooks use runtime_ on the server's thread: attached after it is set, under
  // the lock they run under (passed only through the runtime's own HTTP requests,
  // the new pointer had no happens-before with its reader: TSan's data race).
  server_->attach_hooks(hooks(this));
  const RuntimeSite site{
      .runtime_api = server_->address(),
      .log_stream = log_stream_,
      .region = options_.region,
      .xray_daemon = options_.xray ? std::optional(options_.xray->address()) : std::nullopt,
  };
  auto log = runtime_->spawn(config_, site);
  if (!log) return std::unexpected(log.error());
  if (auto attached = log_.attach(std::move(*log)); !attached) return attached;

  // The server's thread also reads the log and notices the runtime's exit: one
  // thread per environment.
  server_->watch(log_.fd(), [this] { return log_.read_once(); });
  server_->watch(runtime_->pidfd(), [runtime = runtime_.get(), server = server_.get()] {
    runtime->record_exit();
    server->notify_runtime_exited();
    return false;
  });
  lifecycle_.on(LifecycleEvent::kInitStarted);
  usage_.runtime_started(runtime_->pid());
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
  auto server = RuntimeApiServer::create({});  // hooks: in start_runtime()
  if (!server) return std::unexpected(server.error());
  server_ = std::move(*server);
  return start_runtime();
}

void ExecutionEnvironment::stop_runtime() {
  if (server_) server_->detach_hooks();  // no freeze or thaw runs from here on
  if (runtime_) runtime_->kill();
  if (server_) server_->unwatch_all();  // the process and the log are ours alone again
  if (runtime_) runtime_->reap();
  log_.detach();
  lifecycle_.on(LifecycleEvent::kReset);
}

ExecutionEnvironment::~ExecutionEnvironment() {
  stop_runtime();
  server_.reset();   // unblocks and joins its handlers
  runtime_.reset();
  cgroup_.reset();  // removes the group
}

void ExecutionEnvironment::on_runtime_idle() {
  {
    std::lock_guard lock(idle_mutex_);
    idle_at_ = util::Clock::now();
  }
  idle_cv_.notify_all();
  runtime_->freeze();
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

void ExecutionEnvironment::record_usage(Invocation& inv, const UsageSnapshot& before, const UsageSnapshot& after) {
  inv.max_memory_used_mb = bytes_to_reported_mb(usage_.max_memory_used_bytes(after));
  inv.cpu_time_ms = std::max(0.0, after.cpu_ms - before.cpu_ms);
}

// Every invoke that reached the runtime ends here: its trace, its bill, then
// the function's output, END and REPORT.
Invocation ExecutionEnvironment::finish(InvokeRun& run, std::optional<double> billed_cap_ms) {
  Invocation& r = run.inv;
  {
    // Lambda's phases, from the record's own figures so the trace agrees with REPORT.
    InvokePhases phases;
    if (r.init_duration_ms) {
      phases.init_start = runtime_->spawned_at();
      phases.init_end = runtime_->spawned_at() + from_ms(*r.init_duration_ms);
    }
    const auto now = Clock::now();
    phases.invocation_start = run.sent ? std::max(server_->delivered_at(), *run.sent) : now;
    phases.invocation_end = run.sent ? phases.invocation_start + from_ms(r.duration_ms) : now;
    record_trace(r, phases, run.sent.has_value() && alive());
  }
  r.billed_duration_ms = billed_duration_ms(billed_cap_ms.value_or(r.duration_ms), r.init_duration_ms);
  log_.drain();
  log_.platform_lines({end_line(r.request_id), report_line(r)});
  r.log_tail = log_.tail();
  return std::move(r);
}

// Timeout: Lambda prints the line, bills the timeout and resets the environment.
Invocation ExecutionEnvironment::timed_out(InvokeRun& run) {
  // Duration counts from the same start as the deadline, so it is never below
  // the timeout (the wait returned at or after the deadline).
  run.inv.duration_ms = util::elapsed_ms(lifecycle_.clock_started(), Clock::now());
  if (server_) server_->abandon_current();
  stop_runtime();
  log_.platform_lines({timeout_line(run.inv.request_id, config_.timeout_s)});
  std::string message = "RequestId: " + run.inv.request_id + " Error: " + timeout_message(config_.timeout_s);
  set_error(run.inv, Outcome::kTimeout, "Sandbox.Timedout", std::move(message));
  return finish(run, config_.timeout_s * 1000.0);
}

// The runtime process exited (or was killed for memory): Lambda resets.
Invocation ExecutionEnvironment::runtime_exited(InvokeRun& run, const UsageSnapshot& before) {
  const UsageSnapshot after = usage_.read();
  const auto status = runtime_->exit_status();
  const std::string how = status ? status->describe() : "signal: killed";
  const std::string message = "RequestId: " + run.inv.request_id + " Error: Runtime exited with error: " + how;
  record_usage(run.inv, before, after);
  stop_runtime();
  if (after.oom_kills > before.oom_kills) {
    set_error(run.inv, Outcome::kOutOfMemory, "Runtime.OutOfMemory", message);
  } else {
    set_error(run.inv, Outcome::kRuntimeExit, "Runtime.ExitError", message);
  }
  return finish(run);
}

// INIT: up to 10 s; past them Lambda retries init inside the invoke, under the
// function's timeout (the invoke's clock starts then).
std::optional<Invocation> ExecutionEnvironment::run_init(InvokeRun& run) {
  Invocation& inv = run.inv;
  const auto spawned_at = runtime_->spawned_at();
  WaitResult waited = server_->wait_for_init(init_deadline(spawned_at));
  bool retried = false;
  if (waited == WaitResult::kDeadline) {
    // The suppressed init is reported; the retry runs inside this invoke, so
    // its time counts in the invoke's duration and against its timeout.
    inv.init_duration_ms = util::elapsed_ms(spawned_at, Clock::now());
    const auto deadline = lifecycle_.start_clock(Clock::now());
    if (auto restarted = restart_runtime(); !restarted) {
      stop_runtime();
      set_error(inv, Outcome::kInitError, "Runtime.Unknown", restarted.error().message);
      return std::move(inv);
    }
    retried = true;
    waited = server_->wait_for_init(deadline);
    if (waited == WaitResult::kDeadline) {
      log_.platform_lines({start_line(inv.request_id, config_.version)});
      return timed_out(run);
    }
    run.retried_init_ms = util::elapsed_ms(lifecycle_.clock_started(), Clock::now());
  } else {
    inv.init_duration_ms =
        util::elapsed_ms(spawned_at, waited == WaitResult::kDone ? server_->init_done_at() : Clock::now());
  }
  if (waited == WaitResult::kInitError) {
    const RuntimeReport report = *server_->init_error();
    if (!retried) inv.init_duration_ms = util::elapsed_ms(spawned_at, report.at);
    log_.platform_lines({start_line(inv.request_id, config_.version)});
    inv.max_memory_used_mb = bytes_to_reported_mb(usage_.max_memory_used_bytes(usage_.read()));
    stop_runtime();
    inv.outcome = Outcome::kInitError;
    inv.error_type = report.error_type;
    inv.response = report.body;
    inv.error_message = error_message_of(report.body);
    return finish(run);
  }
  if (waited == WaitResult::kRuntimeExited) {
    log_.platform_lines({start_line(inv.request_id, config_.version)});
    return runtime_exited(run, UsageSnapshot{});
  }
  lifecycle_.on(LifecycleEvent::kInitDone);
  // The runtime waits in /next (frozen): nothing runs between INIT's burst CPU
  // and the invoke's share. A quota that does not take is an error, not a
  // silently faster function. (A retried init already ran under the share.)
  if (!retried) {
    if (auto cpu = apply_invoke_cpu(); !cpu) {
      stop_runtime();
      set_error(inv, Outcome::kInitError, "Sandbox.Error", cpu.error().message);
      return std::move(inv);
    }
  }
  return std::nullopt;
}

// INVOKE: the event handed over, then the runtime's response, error, exit or
// the deadline, whichever comes first.
Invocation ExecutionEnvironment::run_event(InvokeRun& run, const InvokeInput& input) {
  Invocation& inv = run.inv;
  // A warm environment has been frozen since the last reading: reuse it rather
  // than read the kernel's counters again on the hot path.
  const UsageSnapshot before = usage_.invoke_start();
  log_.platform_lines({start_line(inv.request_id, config_.version)});
  const auto sent_at = Clock::now();
  const auto deadline = lifecycle_.start_clock(sent_at);
  InvokeEvent event;
  event.request_id = inv.request_id;
  event.payload = input.payload;
  event.deadline_epoch_ms =
      util::epoch_ms_now() + std::chrono::duration_cast<std::chrono::milliseconds>(deadline - sent_at).count();
  event.function_arn = input.invoked_function_arn.value_or(function_arn_);
  event.trace_id = inv.trace_header;
  event.client_context = input.client_context;
  event.cognito_identity = input.cognito_identity;
  if (options_.xray) options_.xray->expect(trace_root(inv.trace_header));
  {
    std::lock_guard lock(idle_mutex_);
    idle_at_.reset();
  }
  lifecycle_.on(LifecycleEvent::kInvokeStarted);
  server_->deliver(std::move(event));
  run.sent = sent_at;
  const WaitResult waited = server_->wait_for_result(deadline);

  if (waited == WaitResult::kDone) {
    const RuntimeReport report = server_->take_result();
    const UsageSnapshot after = usage_.read();
    inv.duration_ms = util::elapsed_ms(server_->delivered_at(), report.at) + run.retried_init_ms;
    record_usage(inv, before, after);
    if (after.oom_kills > before.oom_kills) {
      // A process of the environment was killed for memory: Lambda resets it.
      stop_runtime();
      set_error(inv, Outcome::kOutOfMemory, "Runtime.OutOfMemory",
                "RequestId: " + inv.request_id + " Error: Runtime exited with error: signal: killed");
      return finish(run);
    }
    usage_.keep(after);
    lifecycle_.on(LifecycleEvent::kInvokeDone);
    inv.response = report.body;
    if (report.kind == RuntimeReport::Kind::kResponse) {
      inv.outcome = Outcome::kSuccess;
    } else {
      inv.outcome = report.kind == RuntimeReport::Kind::kResponseTooLarge ? Outcome::kPayloadTooLarge
                                                                          : Outcome::kFunctionError;
      inv.error_type = report.error_type;
      inv.error_message = error_message_of(report.body);
    }
    return finish(run);
  }

  const auto delivered = server_->delivered_at();
  inv.duration_ms = util::elapsed_ms(delivered > sent_at ? delivered : sent_at, Clock::now()) + run.retried_init_ms;
  if (waited == WaitResult::kRuntimeExited) return runtime_exited(run, before);
  record_usage(inv, before, usage_.read());
  return timed_out(run);
}

Invocation ExecutionEnvironment::invoke(const InvokeInput& input) {
  InvokeRun run;
  Invocation& inv = run.inv;
  inv.request_id = new_request_id();
  inv.memory_mb = config_.memory_mb;
  inv.limits_enforced = options_.limits == LimitsMode::kEnforced;
  inv.start = lifecycle_.cold() ? StartKind::kCold : StartKind::kWarm;
  inv.trace_header = new_trace_id();
  log_.begin_invoke();

  if (!alive()) {
    set_error(inv, Outcome::kRuntimeExit, "Runtime.ExitError",
              "RequestId: " + inv.request_id + " Error: the execution environment was reset");
    return std::move(inv);
  }
  if (input.payload.size() > static_cast<size_t>(kMaxPayloadBytes)) {
    set_error(inv, Outcome::kPayloadTooLarge, "RequestEntityTooLarge",
              "Request must be smaller than " + std::to_string(kMaxPayloadBytes) +
                  " bytes for the InvokeFunction operation");
    return std::move(inv);
  }
  // One deadline per invoke: set when the invoke's clock starts (the event
  // handed over, or a retried init begun), and never renewed inside it.
  lifecycle_.begin_invoke(invoke_timeout(config_.timeout_s));
  if (lifecycle_.cold()) {
    if (auto ended = run_init(run)) return std::move(*ended);
  }
  return run_event(run, input);
}

}  // namespace sweetspot::engine
