// A function deployed in AWS Lambda (or any Lambda-compatible endpoint) as a
// Backend. Per size: set MemorySize (and a Description naming the run), wait
// for the update, publish a version, point alias sweetspot-<MB> at it, invoke
// the alias with the log tail. Everything it changes is recorded, and
// restore() undoes it: also from the interrupt watcher's thread after Ctrl-C.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/lambda_client.h"
#include "aws/service_client.h"
#include "engine_api/backend.h"

namespace sweetspot::aws {

struct AwsBackendOptions {
  std::string function;   // name or unqualified ARN
  std::string qualifier;  // invoked by --dry-run; empty: $LATEST
  ServiceEndpoint lambda;
  Credentials credentials;
  RetryPolicy retry;  // its `stop` is used while tuning, never while restoring
  std::chrono::milliseconds update_limit{std::chrono::minutes(5)};
  // Appended to every `aws lambda ...` command printed for what is left
  // (e.g. "--region eu-west-1 --profile dev").
  std::string cli_options;
};

// What restore() did and, if anything is left, how to remove it by hand.
struct RestoreReport {
  std::vector<std::string> done;      // "deleted alias sweetspot-512", ...
  std::vector<std::string> left;      // what could not be undone, with the reason
  std::vector<std::string> commands;  // `aws lambda ...` lines that finish the job
  bool complete() const { return left.empty(); }
};

class AwsBackend : public engine_api::Backend {
 public:
  // Reads the function's configuration (and checks the qualifier, if any, runs
  // the same code as $LATEST, which is what the run configures).
  static util::Result<std::unique_ptr<AwsBackend>> create(AwsBackendOptions options);
  ~AwsBackend() override;

  std::string describe() const override;
  engine_api::Architecture architecture() const override { return original_.architecture; }
  engine_api::SizeSupport support(int memory_mb) const override;
  util::Result<std::vector<engine_api::Invocation>> run(const engine_api::Batch& batch, engine_api::InvokeObserver* observer) override;

  const FunctionConfiguration& original() const { return original_; }
  const std::string& region() const { return options_.lambda.scope.region; }

  // --dry-run: one invoke of the function as it is (its qualifier, else $LATEST).
  engine_api::Invocation invoke_unchanged(const std::string& payload);

  // Puts back MemorySize and Description and deletes the versions and aliases
  // the run made (also any it made but lost the answer for). Idempotent and
  // thread-safe; after it, run() refuses.
  RestoreReport restore();

  // --apply after restore(): the size on $LATEST, or (alias non-empty) on a new
  // version that `alias` points to, $LATEST left as it was. Returns what it did.
  util::Result<std::string> apply(int memory_mb, const std::string& alias);

 private:
  explicit AwsBackend(AwsBackendOptions options) : options_(std::move(options)) {}
  util::Result<LambdaClient> client(bool for_restore = false) const;
  util::Result<std::string> prepare_version(LambdaClient& lambda, int memory_mb, const std::string& tag);
  util::Result<void> point_alias(LambdaClient& lambda, const std::string& alias, const std::string& version);
  std::vector<engine_api::Invocation> invoke_all(const std::string& qualifier, const engine_api::Batch& batch,
                                             engine_api::InvokeObserver* observer);
  std::string command(const std::string& rest) const;

  AwsBackendOptions options_;
  FunctionConfiguration original_;
  std::string run_tag_;  // in every Description the run writes: finds its versions after a lost answer

  std::mutex mutex_;  // held by each change and its record, and by restore()
  bool closed_ = false;
  bool changed_latest_ = false;
  std::vector<std::string> versions_;                              // published by this run
  std::vector<std::pair<std::string, std::string>> aliases_;       // name, version it had before ("" = created)
  int sequence_ = 0;
};

}  // namespace sweetspot::aws
