// The recommendation in plain words: what was chosen, against what, and why the
// kind of workload leads there.
#pragma once

#include <string>

namespace sweetspot::tuner {

struct TuneResult;

// Fills result.headline, result.reasoning and result.warnings from the rest.
void explain(TuneResult& result);

// "$2.08" per million style money, with enough digits for tiny amounts.
std::string format_usd(double usd);

}  // namespace sweetspot::tuner
