// Progress without a terminal (a CI log, a pipe, a file): a plain line at every
// tenth of the planned invokes, then one per finished size, so a long run shows
// it is alive without "\r" redraws.
#pragma once

#include <mutex>
#include <ostream>
#include <string>

#include "tuner/tuner.h"

namespace sweetspot::report {

class ProgressLines : public tuner::TuneObserver {
 public:
  explicit ProgressLines(std::ostream& out) : out_(out) {}

  void on_start(int planned) override;
  void on_invocation(const engine_api::Invocation& invocation) override;
  void on_size_done(const tuner::SizeResult& result) override;

  // The line for a finished size (without the newline), for tests.
  static std::string line(const tuner::SizeResult& result, int sizes_done);

 private:
  std::ostream& out_;
  std::mutex mutex_;
  int sizes_done_ = 0;
  int planned_ = 0;
  int invokes_done_ = 0;
  int failed_ = 0;
  int tenths_shown_ = 0;
};

}  // namespace sweetspot::report
