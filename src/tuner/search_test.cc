#include "tuner/search.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "engine_api/lambda_limits.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace sweetspot::tuner {
namespace {

using testing::Curve;
using testing::FakeBackend;

Prices us_east_1() { return PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value(); }

// What a size really costs per call on the noise-free curve (infinite if it fails).
double true_cost(const Curve& c, int memory_mb) {
  if (c.working_set_mb > 0 && memory_mb <= c.working_set_mb) return INFINITY;
  return invocation_cost(us_east_1(), memory_mb, std::ceil(testing::true_duration_ms(c, memory_mb))).total();
}

double best_of_64mb_sweep(const Curve& c) {
  double best = INFINITY;
  for (int m = engine_api::kMinMemoryMb; m <= engine_api::kMaxMemoryMb; m += 64) best = std::min(best, true_cost(c, m));
  return best;
}

TEST(AutoSearch, TheModelSeesTheCpuPeriodEachSizeRanUnder) {
  SizeResult size;
  size.memory_mb = 512;
  size.typical_duration_ms = 100;
  size.support.cpu_period = std::chrono::milliseconds(100);  // --cpu-period 100
  EXPECT_DOUBLE_EQ(to_model_point(size).cpu_period_ms, 100);
  size.support = {};  // a backend that does not say: Lambda's
  EXPECT_DOUBLE_EQ(to_model_point(size).cpu_period_ms, 20);
}

TEST(AutoSearch, InitialProbesSpanTheRange) {
  const auto probes = initial_probes();
  EXPECT_EQ(probes.front(), engine_api::kMinMemoryMb);
  EXPECT_TRUE(std::is_sorted(probes.begin(), probes.end()));
  EXPECT_NE(std::find(probes.begin(), probes.end(), 1769), probes.end());  // one vCPU
}

// Every standard curve, incl. those outside the model's form, with one fixed
// seed: within 3% of the best size of an exhaustive 64 MB sweep (the issue aims
// at 2%; the tie rule may trade up to 1% of cost for speed and a run's noise adds
// to that; bench/auto_search_bench measures the distribution), with at most a
// third of its invokes.
TEST(AutoSearch, FindsTheOptimumOfEveryStandardCurveCheaply) {
  const int sweep_invocations = ((engine_api::kMaxMemoryMb - engine_api::kMinMemoryMb) / 64 + 1) * 10;
  for (const Curve& curve : testing::standard_curves()) {
    FakeBackend backend(curve, /*seed=*/7);
    Plan plan;
    plan.selection = SizeSelection::kAuto;
    plan.seed = 7;  // the order of sizes in each round, so the noise each size gets is the same every run
    auto result = tune(backend, plan, us_east_1(), nullptr);
    ASSERT_TRUE(result.has_value()) << curve.name << ": " << result.error().message;
    ASSERT_NE(result->recommended(), nullptr) << curve.name << ": " << result->headline;
    const double found = true_cost(curve, result->recommended()->memory_mb);
    const double best = best_of_64mb_sweep(curve);
    EXPECT_LE(found, best * 1.03) << curve.name << ": chose " << result->recommended()->memory_mb << " MB";
    EXPECT_LE(backend.invocations() * 3, sweep_invocations) << curve.name;
    ASSERT_TRUE(result->search.has_value());
    EXPECT_FALSE(result->search->stop_reason.empty());
  }
}

TEST(AutoSearch, NarrowsTheSmallestSizeThatFitsInMemory) {
  Curve curve;  // I/O-bound with a 700 MB working set: the best is the smallest size that fits
  curve.wait_ms = 50;
  curve.serial_cpu_ms = 20;
  curve.working_set_mb = 700;
  FakeBackend backend(curve);
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  plan.num = 5;
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr);
  EXPECT_GT(result->recommended()->memory_mb, 700);
  EXPECT_LE(result->recommended()->memory_mb, 700 + 16);
  EXPECT_TRUE(result->search->converged);
  // The sizes below the working set are reported, with the reason.
  EXPECT_FALSE(result->sizes.front().feasible);
  EXPECT_NE(result->sizes.front().infeasible_reason.find("out of memory"), std::string::npos);
}

TEST(AutoSearch, LatencyLimitSearchFindsTheCheapestSizeThatMeetsIt) {
  Curve curve;
  curve.serial_cpu_ms = 300;
  FakeBackend backend(curve);
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  plan.num = 5;
  plan.strategy.limit = LatencyLimit{600, 95};
  auto result = tune(backend, plan, us_east_1(), nullptr);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  // 300 ms x 1769 / m <= 600 ms from m = 885 MB up; cost rises above 1,769 MB.
  EXPECT_LE(result->recommended()->latency_ms, 600);
  EXPECT_GE(result->recommended()->memory_mb, 885);
  EXPECT_LE(result->recommended()->memory_mb, 1769);
}

// `--memory auto` with the plan's defaults.
util::Result<TuneResult> tune_auto(FakeBackend& backend) {
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  return tune(backend, plan, us_east_1(), nullptr);
}

// `--memory auto` with the plan's defaults and `seed` for the order of sizes,
// so a curve's run with a backend of the same seed repeats exactly.
util::Result<TuneResult> tune_auto(FakeBackend& backend, uint64_t seed) {
  Plan plan;
  plan.selection = SizeSelection::kAuto;
  plan.seed = seed;
  return tune(backend, plan, us_east_1(), nullptr);
}

// A function that used 517 MB at one vCPU cannot fit in 128 MB: the spread's
// smallest probe goes just above what it used instead of into a sure out of
// memory (which, for a collector that thrashes before it dies, is the longest
// invoke of the run). Its best is far above that floor, so nothing below it is
// tried at all.
// A function that needs its memory (examples/memory-floor): near its floor a
// size reports its whole limit as used, so the floor is narrowed from the
// smallest sizes that work, not by halving down from a probe far below; every
// probe that runs out of memory first fills it, in a new environment.
TEST(AutoSearch, NarrowsAFloorJustBelowTheSmallestSizesThatWork) {
  Curve curve{.wait_ms = 100, .working_set_mb = 300};
  curve.reclaimable_mb = 11;  // 316 MB used at one vCPU, as the real example
  FakeBackend backend(curve);
  auto result = tune_auto(backend);
  ASSERT_TRUE(result) << result.error().message;
  int narrowing = 0;
  std::string probes;
  for (const auto& p : result->search->probes) {
    if (p.memory_mb > 162 && p.memory_mb < 316) ++narrowing;
    probes += fmt::format(" {} ({})", p.memory_mb, p.reason);
  }
  EXPECT_LE(narrowing, 2) << "halving down from 162 MB takes four or five probes; probes:" << probes;
  // It filled the first small size (324 MB): the floor is looked for just below
  // it, not at half of it, and one out-of-memory probe brackets it.
  int out_of_memory = 0;
  for (const auto& r : result->sizes) {
    EXPECT_GT(r.memory_mb, 250) << "probes:" << probes;
    if (!r.feasible) ++out_of_memory;
  }
  EXPECT_EQ(out_of_memory, 1) << "probes:" << probes;
  ASSERT_NE(result->recommended(), nullptr);
  const int pick = result->recommended()->memory_mb;
  EXPECT_GT(pick, 300);
  EXPECT_LE(pick, 324);
}

TEST(AutoSearch, SmallestProbeHoldsWhatTheFunctionUsed) {
  FakeBackend backend(Curve{.wait_ms = 100, .serial_cpu_ms = 300, .working_set_mb = 512, .pressure_cpu_ms = 800});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  for (const auto& batch : backend.batches()) EXPECT_GT(batch.memory_mb, 512) << "ran out of memory at " << batch.memory_mb;
  EXPECT_EQ(result->sizes.front().memory_mb, 517 + tolerance_mb(517));
  EXPECT_TRUE(result->sizes.front().feasible);
}

// A function that filled its first small size but needs far less (code pages
// it gives back under a tight limit): the probe just below works, and the one
// well below comes next.
TEST(AutoSearch, FindsAFloorFarBelowASizeTheFunctionFilled) {
  Curve curve{.wait_ms = 100, .serial_cpu_ms = 10, .working_set_mb = 100};
  curve.reclaimable_mb = 200;  // 305 MB used wherever it has that much
  FakeBackend backend(curve);
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  EXPECT_LE(result->recommended()->memory_mb, 160);
}

// A small function still gets 128 MB, measured after one and two vCPUs.
TEST(AutoSearch, SmallFunctionStillMeasuresTheSmallestSize) {
  FakeBackend backend(Curve{.wait_ms = 20, .serial_cpu_ms = 50});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(backend.batches().empty());
  EXPECT_NE(backend.batches().front().memory_mb, engine_api::kMinMemoryMb);  // one or two vCPUs came first
  EXPECT_EQ(result->sizes.front().memory_mb, engine_api::kMinMemoryMb);
  ASSERT_GE(result->search->probes.size(), 3u);
  EXPECT_EQ(result->search->probes[2].memory_mb, engine_api::kMinMemoryMb);
}

// When the size just above what the function used is the cheapest, sizes well
// below it are tried once (a collected runtime uses more memory where it has
// more), and the floor is then narrowed from the failure upwards, never below
// the memory the smallest working size used.
TEST(AutoSearch, LooksBelowTheFirstSmallProbeWhenTheBestIsThere) {
  FakeBackend backend(Curve{.wait_ms = 50, .serial_cpu_ms = 20, .working_set_mb = 300});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  EXPECT_FALSE(result->sizes.front().feasible);
  EXPECT_LT(result->sizes.front().memory_mb, 300);
  EXPECT_GT(result->recommended()->memory_mb, 300);
  EXPECT_LE(result->recommended()->memory_mb, 300 + 16);
}

// A usable size whose whole cost is compute, with its cost margin.
SizeResult priced_size(int memory_mb, double compute, double margin) {
  SizeResult r;
  r.memory_mb = memory_mb;
  r.feasible = true;
  r.cost.compute = compute;
  r.cost_margin = margin;
  return r;
}

// Expected regret: large while a size may still be cheaper than the pick beyond
// the tie band, small once it is clearly dearer or the two are shown equivalent.
TEST(AutoSearch, ExpectedRegretShrinksAsSizesAreToldApart) {
  const SizeResult pick = priced_size(1024, 1.00, 0.04);
  EXPECT_GT(expected_regret(pick, priced_size(512, 0.99, 0.04)), 0.003);   // close and noisy: undecided
  EXPECT_LT(expected_regret(pick, priced_size(512, 1.10, 0.04)), 0.003);   // clearly dearer
  EXPECT_LT(expected_regret(priced_size(1024, 1.00, 0.004), priced_size(512, 0.998, 0.004)), 0.003);  // equivalent
  EXPECT_NEAR(expected_regret(priced_size(1024, 1.00, 0), priced_size(512, 0.90, 0)), 0.1 - kMinTie, 1e-9);  // exact
}

// The value of more invokes: large where a size's margin comes from its few
// samples (more narrow it), small where the margin is already far narrower
// than the invokes' noise (compared through the fit: more invokes hardly move
// it) though the regret is still above the goal, and nothing without invokes.
TEST(AutoSearch, MoreInvokesAreWorthLittleWhereTheyCannotNarrowTheMargins) {
  const double goal = SearchOptions{}.round_value_goal;
  auto with_noise = [](SizeResult s, double noise) {
    s.sample_noise = noise;
    return s;
  };
  // Equal costs, 4% margins: the regret is above its goal either way.
  const SizeResult pick = priced_size(1024, 1.00, 0.04), other = priced_size(512, 1.00, 0.04);
  EXPECT_GT(expected_regret(pick, other), SearchOptions{}.regret_goal);
  // At 6% noise an invoke the margins come from a few samples: more narrow them.
  const SizeResult pick6 = with_noise(pick, 0.06), other6 = with_noise(other, 0.06);
  EXPECT_GT(value_of_invokes(pick6, other6, 2, 2), goal);
  // At 30% noise an invoke the fit, not the samples, set them: two more hardly move them.
  EXPECT_LT(value_of_invokes(with_noise(pick, 0.30), with_noise(other, 0.30), 2, 2), goal);
  EXPECT_EQ(value_of_invokes(pick6, other6, 0, 0), 0);
  // Told apart: another round would not change the pick.
  EXPECT_LT(value_of_invokes(with_noise(priced_size(1024, 1.00, 0.02), 0.06),
                             with_noise(priced_size(512, 1.20, 0.02), 0.06), 2, 2),
            goal);
  // More invokes of both are worth more than of one.
  EXPECT_GT(value_of_invokes(pick6, other6, 2, 2), value_of_invokes(pick6, other6, 0, 2));
  // Without a spread to narrow (no samples' noise), invokes are worth nothing.
  EXPECT_EQ(value_of_invokes(pick, other, 2, 2), 0);
}

// A flat cost curve (waiting, cost rising with memory) is settled long before
// the budget: once no other size is expected to save more than the goal.
TEST(AutoSearch, FlatCurveStopsEarly) {
  FakeBackend backend(Curve{.wait_ms = 120, .serial_cpu_ms = 15, .noise = 0.05});
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  EXPECT_TRUE(result->search->converged) << result->search->stop_reason;
  EXPECT_LT(backend.invocations(), SearchOptions{}.max_invocations / 2);
  EXPECT_EQ(result->recommended()->memory_mb, engine_api::kMinMemoryMb);
}

// A size that times out costs one invoke, in the search as in a list of sizes.
TEST(AutoSearch, TimeoutSizeStopsAfterOneInvoke) {
  FakeBackend backend(Curve{.serial_cpu_ms = 200, .timeout_ms = 1000});  // 128 MB: 2.8 s
  auto result = tune_auto(backend);
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(result->recommended(), nullptr) << result->headline;
  ASSERT_EQ(result->sizes.front().memory_mb, engine_api::kMinMemoryMb);
  EXPECT_FALSE(result->sizes.front().feasible);
  EXPECT_EQ(result->sizes.front().invocations, 1);
}

// Ten runs of `--memory auto` on `curve` (seeds 1-10) with `search` options:
// how far their picks are from the 64 MB sweep's best, summed and at worst, and
// their results.
struct AutoRuns {
  double error = 0, worst = 0;
  int invocations = 0;
  std::vector<TuneResult> results;
};
AutoRuns auto_runs(const Curve& curve, const SearchOptions& search) {
  const double best = best_of_64mb_sweep(curve);
  AutoRuns runs;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    FakeBackend backend(curve, seed);
    Plan plan;
    plan.selection = SizeSelection::kAuto;
    plan.seed = seed;
    plan.search = search;
    auto result = tune(backend, plan, us_east_1(), nullptr);
    EXPECT_TRUE(result.has_value() && result->recommended()) << "seed " << seed;
    if (!result || !result->recommended()) continue;
    const double error = true_cost(curve, result->recommended()->memory_mb) / best - 1;
    runs.error += error;
    runs.worst = std::max(runs.worst, error);
    runs.invocations += backend.invocations();
    runs.results.push_back(std::move(*result));
  }
  return runs;
}

// 15% noise per invoke, in the model's form: the search that compares sizes
// through the fit picks closer to the best, summed over ten seeds, and with
// fewer invokes, than the same search comparing the measurements as they are.
TEST(AutoSearch, ComparingThroughTheFitPicksBetterWithFewerInvokes) {
  const Curve curve{.wait_ms = 40, .serial_cpu_ms = 150, .parallel_cpu_ms = 150, .noise = 0.15};
  SearchOptions measured_options;
  measured_options.compare_through_fit = false;
  const AutoRuns fitted = auto_runs(curve, SearchOptions{});
  const AutoRuns measured = auto_runs(curve, measured_options);
  for (const auto& r : measured.results) EXPECT_FALSE(r.sizes_fit.has_value());
  EXPECT_LT(fitted.error, measured.error);
  EXPECT_LT(fitted.invocations, measured.invocations);
}

// On a flat curve at 15% noise an invoke (noisy-mixed) the sizes compared
// through the fit keep an expected regret above the goal that more invokes
// hardly lower (the fit's allowance for its form): the search that spends a
// round only where it is expected to save something stops there, says so, and
// over ten seeds uses fewer invokes than the one that refines every size above
// the goal, its picks in all no further from the best.
TEST(AutoSearch, SpendsNoRoundWhereMoreInvokesCannotTellTheSizesApart) {
  const Curve curve = testing::standard_curve("noisy-mixed");
  SearchOptions every_round;
  every_round.round_value_goal = 0;
  const AutoRuns valued = auto_runs(curve, SearchOptions{});
  const AutoRuns every = auto_runs(curve, every_round);
  int told = 0;
  for (const auto& r : valued.results) told += r.search->stop_reason.find("not expected to tell") != std::string::npos;
  for (const auto& r : every.results) EXPECT_EQ(r.search->stop_reason.find("not expected to tell"), std::string::npos);
  EXPECT_GT(told, 0);
  EXPECT_LT(valued.invocations, every.invocations);
  EXPECT_LE(valued.error, every.error + 1e-9);
}

// Each environment at its own speed (the env-speed curve: 9% between
// environments, image-python's on the 2-CPU host): the search compares the
// sizes from a fifth of a vCPU up at the level of their CPU times in most runs,
// and its picks are in all no further from the best than at each environment's
// own speed. (Only a little nearer: the runs that miss by 10% pick 128-145 MB,
// throttled sizes compared as measured; bench/README.md session 10.)
TEST(AutoSearch, EnvironmentsOfDifferentSpeedsDoNotDecideThePick) {
  const Curve curve = testing::standard_curve("env-speed");
  ASSERT_GT(curve.environment_spread, 0);
  SearchOptions own_options;
  own_options.compare_at_typical_speed = false;
  const AutoRuns typical = auto_runs(curve, SearchOptions{});
  const AutoRuns own = auto_runs(curve, own_options);
  // The rest had fewer than four sizes to tell environments from a trend.
  EXPECT_GE(std::count_if(typical.results.begin(), typical.results.end(),
                          [](const TuneResult& r) { return !r.speed_adjustments.empty(); }),
            5);
  for (const auto& r : own.results) EXPECT_TRUE(r.speed_adjustments.empty());
  EXPECT_LE(typical.error, own.error);
}

// CPU work per invoke halves at 3,000 MB (data that fits a memory-sized cache):
// a step the model's smooth interpolation between measured sizes cannot see. At
// 8% noise per invoke the possible saving inside the gap around the step falls
// below the run's noise long before the gap is narrow; the search still brackets
// the step to within 4% of its memory on either side, and recommends a size
// above it within 3% of the best cost (the noise cannot tell sizes 2% apart
// here at 40 invokes), for every seed.
TEST(AutoSearch, BisectsAStepInCpuWorkWhateverTheNoise) {
  Curve curve{.wait_ms = 30, .serial_cpu_ms = 300, .parallel_cpu_ms = 100, .noise = 0.08};
  curve.knee_mb = 3000;
  curve.knee_factor = 0.5;
  const double best = best_of_64mb_sweep(curve);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    FakeBackend backend(curve, seed);
    auto result = tune_auto(backend, seed);
    ASSERT_TRUE(result.has_value());
    ASSERT_NE(result->recommended(), nullptr) << result->headline;
    auto measured_within = [&](int low, int high) {
      return std::any_of(result->sizes.begin(), result->sizes.end(), [&](const SizeResult& r) {
        return r.invocations > 0 && r.memory_mb >= low && r.memory_mb <= high;
      });
    };
    std::string sizes;
    for (const auto& r : result->sizes) sizes += " " + std::to_string(r.memory_mb) + "(" + std::to_string(r.invocations) + ")";
    SCOPED_TRACE("seed " + std::to_string(seed) + ", sizes" + sizes + ", " + result->search->stop_reason);
    EXPECT_TRUE(measured_within(2880, 2999));
    EXPECT_TRUE(measured_within(3000, 3120));
    EXPECT_GE(result->recommended()->memory_mb, 3000);
    EXPECT_LE(true_cost(curve, result->recommended()->memory_mb), best * 1.03);
  }
}

// Why the search may settle without measuring the model's predicted best
// itself: a measured size is within half the search's tolerance of it, or (cost
// strategy) the model prices a measured size within the regret goal of it.
enum class PredictedBestCover { kNone, kMeasuredNear, kPricedLikeMeasured };

PredictedBestCover predicted_best_cover(const TuneResult& result) {
  const int predicted = result.search->predicted_best->memory_mb;
  for (const auto& r : result.sizes) {
    if (r.invocations > 0 && std::abs(r.memory_mb - predicted) <= tolerance_mb(predicted) / 2) {
      return PredictedBestCover::kMeasuredNear;
    }
  }
  const double goal = SearchOptions{}.regret_goal;
  for (const auto& r : result.sizes) {
    if (r.feasible && predict(*result.search->model, us_east_1(), r.memory_mb, Plan{}.tmp_mb).cost <=
                          result.search->predicted_best->cost * (1 + goal)) {
      return PredictedBestCover::kPricedLikeMeasured;
    }
  }
  return PredictedBestCover::kNone;
}

// The recommendation is a measured size, and where the model put the optimum
// was measured (within half the search's tolerance), or priced by the model
// within the regret goal of a measured size, before the search settled.
TEST(AutoSearch, PredictedBestIsMeasured) {
  for (const Curve& curve : testing::standard_curves()) {
    FakeBackend backend(curve, /*seed=*/3);
    Plan plan;
    plan.selection = SizeSelection::kAuto;
    plan.seed = 3;
    auto result = tune(backend, plan, us_east_1(), nullptr);
    ASSERT_TRUE(result.has_value()) << curve.name;
    ASSERT_NE(result->recommended(), nullptr) << curve.name;
    ASSERT_TRUE(result->search->predicted_best.has_value()) << curve.name;
    if (!result->search->converged) continue;  // the budget ran out first (stop_reason says so)
    EXPECT_NE(predicted_best_cover(*result), PredictedBestCover::kNone)
        << curve.name << ": predicted " << result->search->predicted_best->memory_mb << " MB";
  }
}

// Serial work that grows with memory (a heap scanned in proportion to its
// size) makes the cost nearly flat from 128 to 200 MB, where an invoke takes 9
// to 14 s: refits move the predicted best from one equally cheap size to the
// next. Before the search ends, a predicted best that the model prices within
// the regret goal of a measured size is not probed again; the search says so,
// and still recommends a size within 2% of the sweep's best. With the earlier
// rule (measure it, up to six probes in all) no run of these seeds ended so.
TEST(AutoSearch, DoesNotReprobeAPredictedBestPricedLikeAMeasuredSize) {
  Curve curve{.wait_ms = 20, .serial_cpu_ms = 100, .parallel_cpu_ms = 900, .noise = 0.05};
  curve.serial_ms_per_gb = 120;
  const double best = best_of_64mb_sweep(curve);
  int settled_by_price = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    FakeBackend backend(curve, seed);
    auto result = tune_auto(backend, seed);
    ASSERT_TRUE(result.has_value());
    ASSERT_NE(result->recommended(), nullptr) << result->headline;
    SCOPED_TRACE("seed " + std::to_string(seed) + ": " + result->search->stop_reason);
    EXPECT_LE(true_cost(curve, result->recommended()->memory_mb), best * 1.02);
    if (!result->search->converged) continue;
    const PredictedBestCover cover = predicted_best_cover(*result);
    EXPECT_NE(cover, PredictedBestCover::kNone);
    if (cover == PredictedBestCover::kPricedLikeMeasured) {
      ++settled_by_price;
      EXPECT_NE(result->search->stop_reason.find("prices the measured"), std::string::npos);
    }
  }
  EXPECT_GT(settled_by_price, 0);
}

}  // namespace
}  // namespace sweetspot::tuner
