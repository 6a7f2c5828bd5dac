// `sweetspot tune` on a function deployed in AWS: finds credentials and region,
// builds the AwsBackend, estimates the run's own AWS cost before and reports it
// after, restores the function (also on Ctrl-C, through a CleanupHook), and
// applies the recommendation when asked. Prints to stderr; throws util::Fatal.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/aws_backend.h"
#include "cli/aws_options.h"
#include "tuner/tuner.h"
#include "util/interrupt.h"

namespace sweetspot::cli {

struct FunctionOptions;

class AwsTune {
 public:
  static std::unique_ptr<AwsTune> create(const FunctionOptions& function, const AwsOptions& options);
  ~AwsTune();  // restores if restore() has not run (an exception on the way out)

  engine_api::Backend& backend() { return *backend_; }
  const std::string& region() const { return backend_->region(); }
  const std::string& function_name() const { return backend_->original().function_name; }

  // --dry-run: one invoke at the current size; prints its REPORT. Exit status.
  int dry_run(const std::string& payload);
  // Before the run: what it may cost at most.
  void announce(const tuner::Plan& plan, const tuner::Prices& prices) const;
  // Right after the run: undoes every change. False when something is left
  // (printed, with the commands that remove it).
  bool restore();
  // After the report: the cost, and --apply.
  void finish(const tuner::TuneResult& result) const;

 private:
  AwsTune() = default;
  AwsOptions options_;
  std::unique_ptr<aws::AwsBackend> backend_;
  std::optional<util::CleanupHook> hook_;
  bool restored_ = false;
};

}  // namespace sweetspot::cli
