// The seam between what measures a function and what decides about it. The local
// engine and the AWS client each implement Backend; the tuner sees only this.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine_api/invocation.h"
#include "engine_api/lambda_limits.h"
#include "util/error.h"

namespace sweetspot::engine_api {

enum class Architecture { kX86_64, kArm64 };
const char* to_string(Architecture arch);

enum class StartPolicy {
  kWarm,           // reuse environments; only an environment's first invoke is cold
  kColdEveryTime,  // a new execution environment for every invoke
};

// Whether run() returns the batch's invocations or only shows them to the observer.
enum class ResultRetention {
  kReturned,      // run() returns every invocation (the tuner's statistics need them)
  kObserverOnly,  // run() returns none: a long batch holds only the invokes in flight
};

struct Batch {
  int memory_mb = 128;
  // Invoke i sends payloads[i % payloads.size()], so `invoke --count 100000` holds
  // one copy of its payload, not 100,000. `count` 0: one invoke per payload.
  std::vector<std::string> payloads;
  size_t count = 0;
  size_t invokes() const { return payloads.empty() ? 0 : (count == 0 ? payloads.size() : count); }
  const std::string& payload(size_t i) const { return payloads[i % payloads.size()]; }
  ResultRetention retention = ResultRetention::kReturned;
  StartPolicy start = StartPolicy::kWarm;
  int concurrency = 1;  // invokes in flight at once (each in its own environment)
  // Leave this batch's environments warm for the next batch of the same size
  // (the tuner measures sizes in interleaved rounds). A hint: a backend whose
  // environments stay warm anyway (AWS) or that cannot keep them may ignore it.
  bool keep_warm = false;
};

// How faithfully a backend can run a memory size.
struct SizeSupport {
  bool limits_enforced = true;  // memory and CPU caps applied
  double requested_cpus = 0;    // what Lambda gives this size
  double effective_cpus = 0;    // what this host can give
  int requested_cores = 0;      // cores Lambda shows this size
  int effective_cores = 0;
  // The period its CPU quota was enforced over (the local engine's --cpu-period,
  // else Lambda's): a throttled invoke runs and pauses in steps of it.
  std::chrono::microseconds cpu_period = kCpuPeriod;
  // True when the host gives this size less CPU than Lambda does, so its
  // durations are not Lambda's.
  bool cpu_capped_by_host() const { return effective_cpus + 1e-9 < requested_cpus || effective_cores < requested_cores; }
  std::string note;  // plain words for the output; empty when faithful
};

class InvokeObserver {
 public:
  virtual ~InvokeObserver() = default;
  virtual void on_invocation(const Invocation& /*invocation*/) {}
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string describe() const = 0;  // e.g. "local engine, cgroup v1"
  virtual Architecture architecture() const = 0;
  virtual SizeSupport support(int memory_mb) const = 0;
  // What makes every invoke of this backend differ from Lambda's, in plain words
  // for every output (e.g. another runtime version ran); empty when nothing does.
  virtual std::vector<std::string> notes() const { return {}; }
  // Runs the batch's invokes. A failing invoke is a record, not an error;
  // an error means the batch could not run at all (e.g. the function cannot be
  // configured to that size).
  virtual util::Result<std::vector<Invocation>> run(const Batch& batch, InvokeObserver* observer) = 0;
};

}  // namespace sweetspot::engine_api
