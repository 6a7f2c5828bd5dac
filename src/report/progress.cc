#include "report/progress.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/strings.h"

namespace sweetspot::report {

void ProgressBar::on_start(int planned) {
  std::lock_guard lock(mutex_);
  planned_ = planned;
  draw();
}

void ProgressBar::on_size_start(int memory_mb, const engine_api::SizeSupport&) {
  std::lock_guard lock(mutex_);
  current_mb_ = memory_mb;
  draw();
}

void ProgressBar::on_invocation(const engine_api::Invocation& invocation) {
  std::lock_guard lock(mutex_);
  ++done_;
  if (!invocation.ok()) ++failed_;
  draw();
}

void ProgressBar::on_size_done(const tuner::SizeResult&) {
  std::lock_guard lock(mutex_);
  ++sizes_done_;
  draw();
}

std::string ProgressBar::line() const {
  // The auto search plans for its probe limit and usually stops early, so the
  // bar shows a share of that upper bound and never runs past it.
  const int total = std::max(planned_, done_);
  const int filled = total > 0 ? done_ * width_ / total : 0;
  std::string bar(static_cast<size_t>(filled), '=');
  bar.resize(static_cast<size_t>(width_), ' ');
  std::string text = fmt::format("[{}] {}/{} invokes, {} sizes done", bar, done_, total, sizes_done_);
  if (current_mb_ > 0) text += fmt::format(", now {} MB", util::with_thousands(current_mb_));
  if (failed_ > 0) text += fmt::format(", {} failed", failed_);
  return text;
}

void ProgressBar::draw() {
  const std::string text = line();
  std::string padded = text;
  if (padded.size() < last_length_) padded.append(last_length_ - padded.size(), ' ');
  last_length_ = text.size();
  out_ << '\r' << padded << std::flush;
}

void ProgressBar::finish() {
  std::lock_guard lock(mutex_);
  out_ << '\r' << std::string(last_length_, ' ') << '\r' << std::flush;
  last_length_ = 0;
}

}  // namespace sweetspot::report
