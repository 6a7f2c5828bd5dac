#include "tuner/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numbers>

#include <fmt/format.h>

#include "engine_api/lambda_limits.h"
#include "tuner/environment_speed.h"
#include "tuner/sampler.h"
#include "tuner/smoothing.h"
#include "util/interrupt.h"
#include "util/strings.h"

namespace sweetspot::tuner {

std::vector<int> initial_probes() { return {128, 1769, 3538}; }

void assign_margins(std::vector<SizeResult>& sizes) {
  std::vector<PooledNoise> pools;
  for (const auto& s : sizes) pools.push_back(pooled_noise_of(s, sizes));
  for (size_t i = 0; i < sizes.size(); ++i) {
    SizeResult& s = sizes[i];
    const Summary& b = s.steady_billed_ms;
    const double pooled = pools[i].relative;
    const int df = pools[i].degrees;
    s.sample_noise = pooled;
    if (b.count < 1 || b.mean <= 0) continue;
    double margin = df > 0 ? student_t95(df) * pooled / std::sqrt(b.count) : 0;
    // With enough samples of its own, a size noisier than the rest says so.
    if (b.count >= 5) margin = std::max(margin, (b.ci95_high - b.mean) / b.mean);
    s.duration_margin = margin;
    const double total = s.cost.total();
    s.cost_margin = total > 0 ? margin * s.cost.compute / total : margin;
  }
}

namespace {

// How much cheaper `other` is than `pick` beyond what the tie rule accepts, as
// a share of the pick's cost; nothing when either is not a usable size.
std::optional<double> gain_beyond_tie(const SizeResult& pick, const SizeResult& other) {
  const double p = pick.cost.total();
  const double o = other.cost.total();
  if (!pick.feasible || !other.feasible || p <= 0 || o <= 0) return std::nullopt;
  return 1 - o / p - tie_band(to_candidate(pick), to_candidate(other), /*by_cost=*/true);
}

// E[max(0, X)] for X ~ N(mean, sd): mean * Phi(z) + sd * phi(z), z = mean / sd.
double expected_positive_part(double mean, double sd) {
  if (sd <= 0) return std::max(0.0, mean);
  const double z = mean / sd;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
  return std::max(0.0, mean * cdf + sd * pdf);
}

}  // namespace

double expected_regret(const SizeResult& pick, const SizeResult& other) {
  const std::optional<double> gain = gain_beyond_tie(pick, other);
  if (!gain) return 0;
  // Margins are 95% half-widths: about two standard errors each.
  const double ratio = other.cost.total() / pick.cost.total();
  return expected_positive_part(*gain, std::hypot(pick.cost_margin, other.cost_margin * ratio) / 2);
}

double value_of_invokes(const SizeResult& pick, const SizeResult& other, int pick_invokes, int other_invokes) {
  const std::optional<double> gain = gain_beyond_tie(pick, other);
  if (!gain) return 0;
  const double ratio = other.cost.total() / pick.cost.total();
  // The variance of a cost's estimate the invokes remove, in shares of the
  // pick's cost: precision (1 / variance) grows by 1 / noise^2 per invoke, for a
  // size compared as measured and one blended with the fit alike (smoothing.h).
  auto narrowed = [&](const SizeResult& s, double scale, int invokes) {
    const double total = s.cost.total();
    const double sd = s.cost_margin / 2 * scale;  // a 95% margin is about two standard errors
    const double one = s.sample_noise * (total > 0 ? s.cost.compute / total : 1) * scale;  // one invoke's spread
    if (sd <= 0 || one <= 0 || invokes <= 0) return 0.0;
    return sd * sd - 1 / (1 / (sd * sd) + invokes / (one * one));
  };
  const double resolved = std::sqrt(narrowed(pick, 1, pick_invokes) + narrowed(other, ratio, other_invokes));
  return expected_positive_part(*gain, resolved) - std::max(0.0, *gain);
}

ModelPoint to_model_point(const SizeResult& size) {
  ModelPoint p;
  p.memory_mb = size.memory_mb;
  p.duration_ms = size.typical_duration_ms;
  p.cpu_ms = size.cpu_time_ms.trimmed_mean;
  p.latency_ms = size.latency_ms;
  // Host-capped sizes ran with less CPU than Lambda gives: fit them with what
  // they had, so the model predicts Lambda's duration, not the host's.
  p.cpus = size.support.effective_cpus > 0 ? size.support.effective_cpus : engine_api::cpu_share(size.memory_mb);
  p.cores = size.support.effective_cores > 0 ? size.support.effective_cores : engine_api::visible_cores(size.memory_mb);
  p.cpu_period_ms = std::chrono::duration<double, std::milli>(size.support.cpu_period).count();
  return p;
}

PredictedPoint predict(const DurationModel& model, const Prices& prices, int memory_mb, int tmp_mb) {
  PredictedPoint p;
  p.memory_mb = memory_mb;
  p.duration_ms = model.duration_ms(memory_mb);
  p.latency_ms = model.latency_ms(memory_mb);
  p.cost = invocation_cost(prices, memory_mb, std::ceil(p.duration_ms), tmp_mb).total();
  return p;
}

Candidate to_candidate(const SizeResult& size) {
  return Candidate{size.memory_mb, size.cost.total(),    size.typical_duration_ms, size.latency_ms,
                   size.feasible,  size.cost_margin,     size.duration_margin};
}

Candidate to_candidate(const PredictedPoint& point) {
  return Candidate{point.memory_mb, point.cost, point.duration_ms, point.latency_ms, true};
}

std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb) {
  return predicted_best(model, prices, strategy, lowest_mb, tmp_mb, 0);
}

std::optional<PredictedPoint> predicted_best(const DurationModel& model, const Prices& prices, const Strategy& strategy,
                                             int lowest_mb, int tmp_mb, double margin) {
  std::vector<PredictedPoint> curve;
  std::vector<Candidate> candidates;
  for (int m = std::max(lowest_mb, engine_api::kMinMemoryMb); m <= engine_api::kMaxMemoryMb; ++m) {
    curve.push_back(predict(model, prices, m, tmp_mb));
    candidates.push_back(to_candidate(curve.back()));
    candidates.back().cost_margin = margin;
    candidates.back().duration_margin = margin;
  }
  const Choice choice = choose(candidates, strategy);
  if (choice.chosen) return curve[*choice.chosen];
  if (choice.closest) return curve[*choice.closest];
  return std::nullopt;
}

int smallest_plausible_mb(const std::vector<SizeResult>& sizes) {
  int failing_below = engine_api::kMinMemoryMb - 1;
  for (const auto& r : sizes) {  // sorted by memory
    if (r.feasible) {
      if (failing_below < engine_api::kMinMemoryMb) return engine_api::kMinMemoryMb;
      return std::clamp(std::max(failing_below + 1, r.max_memory_used_mb), engine_api::kMinMemoryMb, r.memory_mb);
    }
    failing_below = r.memory_mb;
  }
  return failing_below + 1;
}

// Sizes closer than this are the same size for the search: 1% of the size (the
// cost of a near-flat optimum moves less than that), at least 8 MB.
int tolerance_mb(int memory_mb) { return std::max(8, memory_mb / 100); }

// A measured size this close to the predicted best stands for it: half the
// search's tolerance, so the recommendation's memory is within 0.5% (at least
// 4 MB) of the size the model put the optimum at.
static int near_mb(int memory_mb) { return tolerance_mb(memory_mb) / 2; }

int smallest_used_mb(const std::vector<SizeResult>& sizes) {
  int used = 0;
  for (const auto& r : sizes) {
    if (r.feasible && r.max_memory_used_mb > 0 && (used == 0 || r.max_memory_used_mb < used)) {
      used = r.max_memory_used_mb;
    }
  }
  return used;
}

int smallest_first_probe(const std::vector<SizeResult>& sizes) {
  const int used = smallest_used_mb(sizes);
  if (used == 0) return engine_api::kMinMemoryMb;
  return std::clamp(used + tolerance_mb(used), engine_api::kMinMemoryMb, engine_api::kMaxMemoryMb);
}

namespace {

std::string mb_text(int memory_mb) { return util::with_thousands(memory_mb) + " MB"; }

struct State {
  std::vector<SizeResult> sizes;  // sorted by memory, margins assigned
  std::optional<int> lowest_feasible;
  int failing_below = engine_api::kMinMemoryMb - 1;  // largest failing size below the smallest that worked
  std::optional<size_t> pick;                     // index into sizes
  // The sizes as the strategy compares them: through the model's fit where it
  // explains them all within noise (smoothing.h), else as measured.
  std::vector<SizeResult> compared;
  double noise = 0;                               // mean cost margin of the usable sizes
};

State read_state(const Sampler& sampler, const Prices& prices, int tmp_mb, const SearchOptions& options) {
  State st;
  st.sizes = sampler.results();
  // The search models and compares the sizes as in a typical environment, so a
  // size whose environment happened to be fast does not draw the probes.
  if (options.compare_at_typical_speed) st.sizes = at_typical_speed(st.sizes, prices, tmp_mb).sizes;
  assign_margins(st.sizes);
  for (const auto& r : st.sizes) {
    if (r.feasible) {
      st.lowest_feasible = r.memory_mb;
      break;
    }
  }
  int usable = 0;
  for (const auto& r : st.sizes) {
    if (st.lowest_feasible && r.memory_mb < *st.lowest_feasible && !r.feasible) st.failing_below = r.memory_mb;
    if (r.feasible) {
      st.noise += r.cost_margin;
      ++usable;
    }
  }
  if (usable > 0) st.noise /= usable;
  return st;
}

// The pick among the measured sizes, compared through the fit where it fits.
void settle_pick(State& st, const Strategy& strategy, const Prices& prices, int tmp_mb, bool through_fit) {
  const std::optional<SizesFit> fit = strategy.limit || !through_fit ? std::nullopt : fit_sizes(st.sizes);
  st.compared = compared_sizes(st.sizes, fit ? &*fit : nullptr, prices, tmp_mb);
  std::vector<Candidate> candidates;
  for (const auto& r : st.compared) candidates.push_back(to_candidate(r));
  const Choice choice = choose(candidates, strategy);
  st.pick = choice.chosen ? choice.chosen : choice.closest;
}

// Points for the model: the sizes the host did not disturb, when at least two
// usable ones are; otherwise every usable size (the run's warnings say so).
std::vector<ModelPoint> model_points(const std::vector<SizeResult>& sizes) {
  std::vector<ModelPoint> trusted, all;
  for (const auto& r : sizes) {
    if (!r.feasible) continue;
    all.push_back(to_model_point(r));
    if (r.trusted) trusted.push_back(all.back());
  }
  return trusted.size() >= 2 ? trusted : all;
}

// Cost strategy: the gap between adjacent usable sizes where a size could be
// cheaper than the pick by the most, judged by a bound the measurements
// support: at memory m inside (a, b), waiting is at least the lesser of a's and
// b's and CPU time at least the lesser of theirs, taking work_factor(m) times
// its CPU time in wall time. A gap is worth a probe when that possible saving is
// above `noise` (and 1%): below the run's noise the bound mostly reflects noisy
// waits, and the model, which interpolates between the ends, covers the gap.
// Where the ends' CPU time per invoke differs by more than kCpuStepRatio, the
// work itself changed shape inside the gap (a cache that fits, a collector that
// stops): the smooth interpolation cannot be trusted there, so the gap is
// bisected while the bound saves more than 1%, whatever the noise.
// 1.8x is far beyond CPU time's noise on a real host; at 1.25x the memory-
// pressure curves' gaps were bisected too and their picks got worse
// (bench/README.md, session 6). Returns the size to measure and the possible saving.
constexpr double kCpuStepRatio = 1.8;

std::optional<std::pair<int, double>> most_promising_gap(const State& st, const DurationModel& model,
                                                         const Prices& prices, int tmp_mb) {
  if (!st.pick) return std::nullopt;
  const double best = st.compared[*st.pick].cost.total();
  std::optional<std::pair<int, double>> found;
  const SizeResult* previous = nullptr;
  for (const auto& r : st.sizes) {
    if (!r.feasible) continue;
    if (previous && r.memory_mb - previous->memory_mb > 2 * tolerance_mb(r.memory_mb)) {
      const int a = previous->memory_mb;
      const int b = r.memory_mb;
      const double wait = std::min(model.wait_ms(a), model.wait_ms(b));
      const double cpu = std::min(model.cpu_ms(a), model.cpu_ms(b));
      double lowest = INFINITY;
      for (int i = 1; i < 16; ++i) {
        const int m = static_cast<int>(std::lround(std::exp(std::log(a) + (std::log(b) - std::log(a)) * i / 16.0)));
        const double duration = wait + cpu * model.work_factor(m);
        lowest = std::min(lowest, invocation_cost(prices, m, std::ceil(duration), tmp_mb).total());
      }
      const double saving = 1 - lowest / best;
      const bool cpu_step = cpu > 0 && std::max(model.cpu_ms(a), model.cpu_ms(b)) > kCpuStepRatio * cpu;
      const double threshold = cpu_step ? 0.01 : std::max(0.01, st.noise);
      if (saving > threshold && (!found || saving > found->second)) {
        const int middle = static_cast<int>(std::lround(std::sqrt(static_cast<double>(a) * b)));
        found = std::pair{middle, saving};
      }
    }
    previous = &r;
  }
  return found;
}

}  // namespace

SearchReport auto_search(Sampler& sampler, const Strategy& strategy, const Prices& prices, int tmp_mb,
                         const SearchOptions& options) {
  SearchReport report;
  const int first = std::max(2, options.first_invocations);
  const int per_size = std::max(first, options.max_per_size);
  const int later = std::max(2, options.later_invocations);
  auto budget_left = [&] { return options.max_invocations - sampler.total_invocations(); };
  auto measure = [&](int memory_mb, std::string reason, const std::optional<DurationModel>& model) {
    Probe probe{memory_mb, std::move(reason), std::nullopt, std::nullopt};
    if (model) {
      const PredictedPoint p = predict(*model, prices, memory_mb, tmp_mb);
      probe.predicted_duration_ms = p.duration_ms;
      probe.predicted_cost = p.cost;
    }
    report.probes.push_back(std::move(probe));
    // One cold and one warm invoke: the run's pooled noise gives it a margin, and
    // expected regret gives more to the sizes that decide.
    sampler.want(memory_mb, later);
    sampler.run();
  };
  // The larger sizes of the spread first: their invokes are short, and what the
  // function used there says whether the smallest size can hold it at all.
  const std::vector<int> spread = initial_probes();
  for (int m : spread) {
    if (m == spread.front() || static_cast<int>(report.probes.size()) >= options.max_probes) continue;
    report.probes.push_back(Probe{m, "first spread over the range: one vCPU and two", std::nullopt, std::nullopt});
    sampler.want(m, first);
  }
  sampler.run();
  if (static_cast<int>(report.probes.size()) < options.max_probes && !util::interrupted()) {
    const int smallest = smallest_first_probe(sampler.results());
    report.probes.push_back(Probe{
        smallest,
        smallest == spread.front()
            ? std::string("first spread over the range: the smallest size")
            : fmt::format("the smallest size that holds the {} MB the function used at one vCPU", smallest_used_mb(sampler.results())),
        std::nullopt, std::nullopt});
    sampler.want(smallest, first);
    sampler.run();
  }

  auto can_probe = [&] {
    return static_cast<int>(report.probes.size()) < options.max_probes && budget_left() >= later;
  };
  auto measured_near = [&](const State& st, int m, int tolerance) {
    return std::any_of(st.sizes.begin(), st.sizes.end(),
                       [&](const SizeResult& r) { return std::abs(r.memory_mb - m) <= tolerance; });
  };
  // Before the search ends, the predicted best also counts as measured where
  // the model prices a measured size within the regret goal of it (cost
  // strategy): measuring it could then save about as much as the search accepts
  // anyway from the regret of the measured sizes. Where the optimum is flat and
  // slow (heap-scan's 128 to 200 MB at 9-14 s an invoke), refits moved the
  // predicted best from one equally cheap size to the next and each got its own
  // probe and then invokes. The first probes of the predicted best (step 3) stay
  // as they were: they are what moves the model towards the optimum where its
  // form is wrong (bench/README.md, session 6, second change).
  auto priced_like_measured = [&](const State& st, const DurationModel& model,
                                  const PredictedPoint& best) -> std::optional<int> {
    if (strategy.kind != StrategyKind::kCost || strategy.limit || best.cost <= 0) return std::nullopt;
    for (const auto& r : st.sizes) {
      if (r.feasible && predict(model, prices, r.memory_mb, tmp_mb).cost <= best.cost * (1 + options.regret_goal)) {
        return r.memory_mb;
      }
    }
    return std::nullopt;
  };
  int model_probes = 0;
  while (!util::interrupted()) {
    State st = read_state(sampler, prices, tmp_mb, options);
    if (!st.lowest_feasible) {
      // Everything failed: if the failures are out of memory, a larger size may work.
      const int largest = st.sizes.empty() ? engine_api::kMinMemoryMb : st.sizes.back().memory_mb;
      const bool oom = !st.sizes.empty() && st.sizes.back().infeasible_reason.find("out of memory") != std::string::npos;
      if (oom && largest < engine_api::kMaxMemoryMb && can_probe()) {
        measure(std::min(engine_api::kMaxMemoryMb, largest * 2), "every size so far ran out of memory", std::nullopt);
        continue;
      }
      report.stop_reason = "no measured size worked, so there is nothing to model";
      return report;
    }
    auto model = DurationModel::fit(model_points(st.sizes));
    if (!model) {
      report.stop_reason = model.error().message;
      return report;
    }
    report.model = *model;
    settle_pick(st, strategy, prices, tmp_mb, options.compare_through_fit);
    report.predicted_best = predicted_best(*model, prices, strategy, smallest_plausible_mb(st.sizes), tmp_mb, st.noise);
    if (!can_probe()) {
      report.stop_reason = fmt::format("stopped at the budget of {} invokes", options.max_invocations);
      break;
    }

    // 1. The smallest size that works, when the best lies there (memory-bound or
    // waiting functions; a CPU-bound one whose cost is flat gains nothing).
    const int lowest = *st.lowest_feasible;
    // The smallest size that works and the next one that does (if any).
    const SizeResult& works = *std::find_if(st.sizes.begin(), st.sizes.end(),
                                            [&](auto& r) { return r.memory_mb == lowest; });
    const auto above = std::find_if(st.sizes.begin(), st.sizes.end(),
                                    [&](auto& r) { return r.feasible && r.memory_mb > lowest; });
    const bool cheaper_below =
        report.predicted_best && report.predicted_best->memory_mb <= lowest + tolerance_mb(lowest);
    if (cheaper_below && st.failing_below < engine_api::kMinMemoryMb && lowest > engine_api::kMinMemoryMb) {
      // Nothing smaller was tried (the first small probe went just above what the
      // function used at one vCPU): a garbage-collected runtime uses more memory
      // where it has more, so look once well below.
      int next = std::max(engine_api::kMinMemoryMb, lowest / 2);
      std::string why =
          fmt::format("below the smallest size measured ({}), where nothing was tried yet", mb_text(lowest));
      // Unless the function filled that size and the next working size is far
      // above: then it likely needs that memory, and just below is tried first.
      // A size that runs out of memory rules out every size below it, so the
      // probe well below (a new environment that fills its memory before it
      // fails: memory-floor's 162 MB, bench/README.md session 8) is saved; if
      // just below works, the two smallest working sizes are close and the next
      // step looks well below, so this costs at most one working probe.
      const int used = works.max_memory_used_mb;
      const int just_below = used - 2 * tolerance_mb(used);
      if (used + tolerance_mb(lowest) >= lowest && above != st.sizes.end() &&
          above->memory_mb - lowest > 2 * (lowest - just_below) && just_below > next) {
        next = just_below;
        why = fmt::format("just below the smallest size that works ({}), which the function filled ({} MB used)",
                          mb_text(lowest), used);
      }
      if (lowest - next > tolerance_mb(lowest)) {
        measure(next, std::move(why), *model);
        continue;
      }
    }
    if (cheaper_below && st.failing_below >= engine_api::kMinMemoryMb) {
      // Once a smaller size failed, one below the memory the smallest working
      // size used cannot fit (smallest_plausible_mb): halve the gap above that.
      const int floor = std::max(st.failing_below, works.max_memory_used_mb < lowest ? works.max_memory_used_mb : 0);
      const int gap = lowest - floor;
      if (gap > tolerance_mb(lowest)) {
        int next = floor + gap / 2;
        std::string why = fmt::format("narrowing the smallest size that works (between {} and {} MB)", floor, lowest);
        // Where the two smallest working sizes are close, the floor is likely
        // just below them (a function that needs its memory): step down twice
        // their distance instead of halving the whole gap, whose lower end may
        // be a probe far below. Every probe there that runs out of memory
        // first fills the memory, and starts a new environment (bench/README.md,
        // memory-floor: 239, 277, 296 and 306 MB probed on the way to 311).
        if (above != st.sizes.end()) {
          const int step = std::max(2 * tolerance_mb(lowest), 2 * (above->memory_mb - lowest));
          if (lowest - step > next) {
            next = lowest - step;
            why = fmt::format("just below the smallest sizes that work ({} and {} MB)", lowest, above->memory_mb);
          }
        }
        const int above_used = works.max_memory_used_mb + tolerance_mb(works.max_memory_used_mb);
        if (above_used > floor && above_used < lowest - tolerance_mb(lowest) &&
            !measured_near(st, above_used, tolerance_mb(above_used))) {
          next = above_used;
          why = fmt::format("just above the {} MB that {} used", works.max_memory_used_mb, mb_text(lowest));
        }
        measure(next, std::move(why), *model);
        continue;
      }
    }

    // 2. A gap where a cheaper size could hide (cost strategy).
    if (strategy.kind == StrategyKind::kCost && !strategy.limit) {
      if (auto promising = most_promising_gap(st, *model, prices, tmp_mb);
          promising && !measured_near(st, promising->first, tolerance_mb(promising->first))) {
        measure(promising->first,
                fmt::format("a size here could cost up to {:.0f}% less than the pick", promising->second * 100),
                *model);
        continue;
      }
    }

    // 3. The model's predicted best, measured before it is recommended.
    if (report.predicted_best && model_probes < 3 &&
        !measured_near(st, report.predicted_best->memory_mb, near_mb(report.predicted_best->memory_mb))) {
      const int target = report.predicted_best->memory_mb;
      ++model_probes;
      measure(target, "the model's predicted best", *model);
      continue;
    }

    // 4. More invokes where they decide: the sizes whose expected regret (what
    // keeping the pick costs if that size is really cheaper) is still above the
    // goal, and the pick. An interval rule would refine equivalent sizes until
    // the budget (two intervals narrower than the tie band need about 60
    // invokes each at 3% noise); the expected regret of an equivalent size
    // shrinks as soon as its cost is known to be close.
    if (!st.pick) break;
    const SizeResult& pick = st.compared[*st.pick];
    const int step = 2;
    const int pick_round = sampler.invocations(pick.memory_mb) < per_size ? step : 0;
    std::vector<std::pair<double, int>> regrets;  // the sizes above the goal, largest regret first
    int beyond_invokes = 0;  // sizes above the goal that a round of invokes is not expected to settle
    for (const auto& r : st.compared) {
      if (!r.feasible || &r == &pick) continue;
      const double regret = expected_regret(pick, r);
      if (sampler.invocations(r.memory_mb) >= per_size || regret <= options.regret_goal) continue;
      // Where what is left of the regret is uncertainty more invokes hardly
      // reduce, the budget would be spent without changing the pick (sizes
      // compared through the fit at 15% noise an invoke, noisy-mixed:
      // bench/README.md, auto_search_bench session 11).
      if (value_of_invokes(pick, r, pick_round, step) < options.round_value_goal) {
        ++beyond_invokes;
        continue;
      }
      regrets.emplace_back(regret, r.memory_mb);
    }
    std::sort(regrets.begin(), regrets.end(), std::greater<>());
    std::vector<int> undecided;
    for (const auto& [regret, m] : regrets) undecided.push_back(m);
    // A pick with a single warm sample may be a lucky one (the cheapest of
    // several noisy means): it gets as many invokes as the first sizes had.
    if (undecided.empty() && sampler.invocations(pick.memory_mb) < first && budget_left() > 0) {
      sampler.want(pick.memory_mb, first);
      sampler.run();
      continue;
    }
    if (undecided.empty()) {
      // Nothing left to decide among the measured sizes: the model's predicted
      // best must be one of them before the search may say so (refits move it,
      // so it gets a few more chances here than in step 3).
      const bool best_measured =
          report.predicted_best &&
          measured_near(st, report.predicted_best->memory_mb, near_mb(report.predicted_best->memory_mb));
      const std::optional<int> stands_for =
          report.predicted_best && !best_measured ? priced_like_measured(st, *model, *report.predicted_best)
                                                  : std::nullopt;
      if (report.predicted_best && model_probes < 6 && !best_measured && !stands_for) {
        ++model_probes;
        measure(report.predicted_best->memory_mb, "the model's predicted best, measured before the search ends",
                *model);
        continue;
      }
      report.converged = true;
      if (best_measured) {
        report.stop_reason = fmt::format("the predicted best, {}, is measured, and no other size is expected to "
                                         "save more than {:.1f}% over the pick",
                                         mb_text(report.predicted_best->memory_mb), options.regret_goal * 100);
      } else if (stands_for) {
        report.stop_reason = fmt::format("the model prices the measured {} within {:.1f}% of its predicted best, "
                                         "{}, and no other size is expected to save more than {:.1f}% over the pick",
                                         mb_text(*stands_for), options.regret_goal * 100,
                                         mb_text(report.predicted_best->memory_mb), options.regret_goal * 100);
      } else {
        report.stop_reason = fmt::format("no other size is expected to save more than {:.1f}% over the pick",
                                         options.regret_goal * 100);
      }
      if (beyond_invokes > 0) {
        report.stop_reason += fmt::format(", except {} size(s) within the noise of the pick that more invokes are not "
                                          "expected to tell from it (a round of {} more is expected to save less "
                                          "than {:.2f}%)",
                                          beyond_invokes, step, options.round_value_goal * 100);
      }
      break;
    }
    {
      // Where the budget cannot refine them all, the ones with the most regret
      // (rather than stopping with budget left).
      const int room = (budget_left() - pick_round) / step;
      if (room >= 1 && room < static_cast<int>(undecided.size())) undecided.resize(room);
    }
    if (pick_round > 0) undecided.push_back(pick.memory_mb);
    if (budget_left() < step * static_cast<int>(undecided.size())) {
      report.stop_reason = fmt::format("stopped at the budget of {} invokes with {} size(s) that could still be "
                                       "cheaper than the pick",
                                       options.max_invocations, undecided.size() - 1);
      break;
    }
    for (int m : undecided) sampler.want(m, std::min(per_size, sampler.invocations(m) + step));
    sampler.run();
  }
  return report;
}

}  // namespace sweetspot::tuner
