// A one-line progress bar redrawn in place ("\r"). The command line attaches it
// only when stderr is a terminal; the tuner just reports events.
#pragma once

#include <mutex>
#include <ostream>
#include <string>

#include "tuner/tuner.h"

namespace sweetspot::report {

class ProgressBar : public tuner::TuneObserver {
 public:
  explicit ProgressBar(std::ostream& out, int width = 30) : out_(out), width_(width) {}

  void on_start(int planned) override;
  void on_size_start(int memory_mb, const engine_api::SizeSupport& support) override;
  void on_invocation(const engine_api::Invocation& invocation) override;
  void on_size_done(const tuner::SizeResult& result) override;
  // Clears the line so the result starts on a clean one.
  void finish();

  // The line as it would be drawn now (without "\r"), for tests.
  std::string line() const;

 private:
  void draw();

  std::ostream& out_;
  int width_;
  mutable std::mutex mutex_;  // concurrent environments report from several threads
  int planned_ = 0;
  int done_ = 0;
  int failed_ = 0;
  int sizes_done_ = 0;
  int current_mb_ = 0;
  size_t last_length_ = 0;
};

}  // namespace sweetspot::report
