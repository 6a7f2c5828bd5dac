#include "cli/log_printer.h"

namespace sweetspot::cli {

void LogPrinter::on_log(int environment_id, std::string_view line) {
  std::lock_guard lock(mutex_);
  if (prefix_ == LogPrefix::kEnvironmentId) out_ << "[env " << environment_id << "] ";
  out_ << line;
  if (!report_note_.empty() && line.starts_with("REPORT RequestId:")) {
    if (prefix_ == LogPrefix::kEnvironmentId) out_ << "[env " << environment_id << "] ";
    out_ << "sweetspot: note: " << report_note_ << '\n';
  }
  out_.flush();
}

}  // namespace sweetspot::cli
