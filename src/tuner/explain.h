// The recommendation in plain words: what was chosen, against what, and why the
// kind of workload leads there.
#pragma once

#include <string>

namespace sweetspot::tuner {

struct TuneResult;

// Fills result.headline, result.reasoning and result.warnings from the rest.
void explain(TuneResult& result);

// Money for people: "$2.08" from a cent up, else fixed notation with
// `significant` digits ("$0.0000934").
std::string format_usd(double usd, int significant = 3);

}  // namespace sweetspot::tuner
