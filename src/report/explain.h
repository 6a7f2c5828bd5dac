// The recommendation in plain words: what was chosen, against what, and why the
// kind of workload leads there. The tuner decides and leaves numbers and
// structured reasons; the words are the report's.
#pragma once

#include "tuner/tuner.h"

namespace sweetspot::report {

// Writes the recommendation's words into `result` (once, after tuner::tune):
// the headline, its reasons before the ones the tuner added (the limiting X-Ray
// part), its warnings after the tuner's (backend notes, an interrupted run).
void explain(tuner::TuneResult& result);

}  // namespace sweetspot::report
