#include "report/progress_lines.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace sweetspot::report {

void ProgressLines::on_start(int) {
  std::lock_guard lock(mutex_);
  sizes_done_ = 0;
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
