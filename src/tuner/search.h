// `--memory auto`: find the best size anywhere in 128..10,240 MB without measuring
// them all, with few invokes. Three sizes first (one vCPU, two vCPUs, then the
// smallest that can hold what the function used there: the fractional-CPU range,
// where serial work stops gaining, and whether more cores help), three invokes
// each. Then, one size at a time, where the
// measurements leave the most room for a better answer: the gap between a size
// that ran out of memory and the smallest that worked (starting just above the
// memory that one used, or just below the two smallest that worked where they
// are close); a gap between measured sizes where a bound on cost
// (duration cannot beat the lesser wait and CPU time of its ends at that size's
// share) could undercut the pick by more than the noise (by more than 1% where
// its ends' CPU time per invoke differs by more than 1.8x: a step the model's
// interpolation cannot see); and the model's
// predicted best, which is always measured before it is recommended. Last, the
// sizes whose expected regret is above the goal get more invokes, two at a
// time, the largest regrets first, until none is or the budget is spent, a
// size only where the round is expected to save something (value_of_invokes). The
// sizes are compared through the model's fit where it explains them all within
// noise (smoothing.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tuner/model.h"
#include "tuner/pricing.h"
#include "tuner/size_result.h"
#include "tuner/strategy.h"

namespace sweetspot::tuner {

class Sampler;

struct SearchOptions {
  int max_probes = 24;        // sizes measured at most, the first probes included
  int first_invocations = 3;  // per size of the first three (one cold, two warm)
  int later_invocations = 2;  // per size the search adds (one cold, one warm)
  int max_per_size = 10;      // invokes a deciding size may get (the plan's --num)
  int max_invocations = 40;   // the whole search's budget
  // The adaptive step stops when no other size's expected regret (expected_regret)
  // is above this share of the pick's cost.
  double regret_goal = 0.005;
  // ...and a size gets another round of invokes only where the round is
  // expected to save at least this share of the pick's cost (value_of_invokes):
  // where the sizes are compared through the fit, whose precision is bounded
  // by its allowance for its own form, the regret can stay above the goal
  // however many are spent. 0: every size above the regret goal.
  double round_value_goal = 0.001;
  // Compare the sizes through the model's fit where it explains them all
  // within noise (smoothing.h); off: as measured.
  bool compare_through_fit = true;
  // Compare the sizes at the level of their CPU times per invoke where they
  // have one (environment_speed.h): each size runs in its own environment, and
  // environments differ in speed. Off: each at its environment's own speed.
  bool compare_at_typical_speed = true;
};

struct Probe {
  int memory_mb = 0;
  std::string reason;  // why this size was measured
  // What the model predicted here before measuring it (the guided probes).
  std::optional<double> predicted_duration_ms;
  std::optional<double> predicted_cost;
};

struct PredictedPoint {
  int memory_mb = 0;
  double duration_ms = 0;
  double latency_ms = 0;
  double cost = 0;  // USD per invocation, request charge and storage included
};

struct SearchReport {
  std::vector<Probe> probes;
  std::optional<DurationModel> model;          // fitted to every feasible probe
  std::optional<PredictedPoint> predicted_best;  // where the last model put the optimum
  bool converged = false;
  std::string stop_reason;
};

// The sizes measured first: the smallest, one vCPU and two vCPUs. One and two
// vCPUs are measured first (short invokes); the smallest comes after them.
std::vector<int> initial_probes();

// Sizes closer than this are the same size for the search: 1% of the size, at
// least 8 MB.
int tolerance_mb(int memory_mb);

// The least Max Memory Used of the sizes that worked (0 if none did).
int smallest_used_mb(const std::vector<SizeResult>& sizes);

// Where the spread's smallest probe goes once the larger ones are measured:
// 128 MB, unless the function used more memory than that there, in which case
// just above what it used (tolerance_mb): a size below the memory a working
// invoke used would run out of memory, and a function that runs out of memory
// often stalls in its collector until it dies, the longest invoke of a run.
int smallest_first_probe(const std::vector<SizeResult>& sizes);

// Sets every size's cost_margin, duration_margin and sample_noise from the
// noise pooled over the sizes like it (pooled_noise_of: relative spread of
// steady billed durations; Student's t with the pooled degrees of freedom), so
// a size with two samples borrows the run's knowledge of how noisy this
// function and host are.
void assign_margins(std::vector<SizeResult>& sizes);

// What keeping `pick` is expected to cost, as a share of its cost, if `other` is
// really cheaper by more than the tie rule lets speed buy: E[max(0, pick - other
// - band)] / pick, with the difference of the two measured costs taken as normal
// (their 95% margins as about two standard errors). Large when the two are close
// and noisy, small once they are told apart or shown equivalent, so it says where
// more invokes can still change the answer and when none can.
double expected_regret(const SizeResult& pick, const SizeResult& other);

// What more invokes (`pick_invokes` of the pick, `other_invokes` of the other)
// are expected to save, as a
// share of the pick's cost: the knowledge gradient of the choice between them,
// E[max(0, gain after)] - max(0, gain now), where the gain is how much cheaper
// `other` is beyond the tie band and the invokes narrow what is known of the
// difference (each adds 1 / noise^2 to a cost's precision, noise each size's
// sample_noise: the relative spread of one steady invoke). Small when the two
// are told apart, and when the uncertainty left is one more invokes do not
// reduce: those invokes would not change the pick.
double value_of_invokes(const SizeResult& pick, const SizeResult& other, int pick_invokes, int other_invokes);

ModelPoint to_model_point(const SizeResult& size);

PredictedPoint predict(const DurationModel& model, const Prices& prices, int memory_mb, int tmp_mb);

// Converts measured sizes or predictions into what the strategies compare.
Candidate to_candidate(const SizeResult& size);
Candidate to_candidate(const PredictedPoint& point);

// The best size the model predicts among [lowest_mb, 10,240] in 1 MB steps.
std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb);

// The best size the model predicts, each predicted point carrying `margin` as
// its cost and duration margin (the tie rule then sees the measurements' noise).
std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb, double margin);

// The smallest size worth predicting for: above the largest size that failed
// below the smallest that worked, and, when smaller sizes failed, at least the
// memory the smallest working size used (a size below that cannot fit).
int smallest_plausible_mb(const std::vector<SizeResult>& sizes);

SearchReport auto_search(Sampler& sampler, const Strategy& strategy, const Prices& prices, int tmp_mb,
                         const SearchOptions& options);

}  // namespace sweetspot::tuner
