#include "report/progress_lines.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/strings.h"

namespace sweetspot::report {

void ProgressLines::on_start(int planned) {
  std::lock_guard lock(mutex_);
  sizes_done_ = 0;
  planned_ = planned;
  invokes_done_ = failed_ = tenths_shown_ = 0;
}

void ProgressLines::on_invocation(const engine_api::Invocation& invocation) {
  std::lock_guard lock(mutex_);
  ++invokes_done_;
  if (!invocation.ok()) ++failed_;
  if (planned_ <= 0) return;
  const int tenths = std::min(10, invokes_done_ * 10 / planned_);
  if (tenths <= tenths_shown_) return;
  tenths_shown_ = tenths;
  out_ << fmt::format("sweetspot: {} of {} invokes done{}\n", invokes_done_, planned_,
                      failed_ > 0 ? fmt::format(" ({} failed)", failed_) : "")
       << std::flush;
}

void ProgressLines::on_size_done(const tuner::SizeResult& result) {
  std::lock_guard lock(mutex_);
  ++sizes_done_;
  out_ << line(result, sizes_done_) << '\n' << std::flush;
}

std::string ProgressLines::line(const tuner::SizeResult& r, int sizes_done) {
  std::string text = fmt::format("sweetspot: size {} done: {} MB, {} of {} invokes succeeded", sizes_done,
                                 util::with_thousands(r.memory_mb), r.successes, r.invocations);
  if (r.successes > 0) text += fmt::format(", median {:.1f} ms", r.duration.p50);
  if (!r.feasible) text += "; " + r.infeasible_reason;
  return text;
}

}  // namespace sweetspot::report
