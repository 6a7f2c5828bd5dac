// The result for people: one row per size, then the recommendation and why.
#pragma once

#include <ostream>
#include <string>

#include "tuner/tuner.h"

namespace sweetspot::report {

// Rows: size, invokes that succeeded, trimmed mean / p50 / p95 / p99 duration,
// the 95% CI half-width, init, CPU time, max memory, cost per call and per
// million calls. Marks: '*' recommended, '!' not usable (reason instead of
// numbers), '~' this host gave less CPU than Lambda would.
std::string render_table(const tuner::TuneResult& result);

// The table, then the recommendation, its reasons, warnings, the auto search's
// predicted-versus-measured figures and the prices used.
void write_report(std::ostream& out, const tuner::TuneResult& result);

}  // namespace sweetspot::report
