// How well `--memory auto` does against an exhaustive 64 MB sweep (128..10,240
// MB, the same invokes per size) on synthetic curves with known costs. For each
// curve and seed: the invokes each method used, and how much more per call the
// size it picked really costs than the best size on the sweep's grid (measured
// on the noise-free curve, so the sweep's own noise-induced misses show too).
// Target (issue 4): auto within 2% of the best, with at most 1/3 of the invokes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/lambda_limits.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace {

using namespace sweetspot;
using tuner::testing::Curve;
using tuner::testing::FakeBackend;

constexpr int kNum = 10;
constexpr int kSeeds = 5;

double true_cost(const tuner::Prices& prices, const Curve& c, int memory_mb) {
  if (c.working_set_mb > 0 && memory_mb <= c.working_set_mb) return INFINITY;
  return tuner::invocation_cost(prices, memory_mb, std::ceil(tuner::testing::true_duration_ms(c, memory_mb))).total();
}

struct Outcome {
  int invocations = 0;
  int sizes = 0;
  double error = 0;  // true cost of the pick / best true cost on the grid - 1
  int picked_mb = 0;
};

Outcome run(const tuner::Prices& prices, const Curve& curve, uint64_t seed, const tuner::Plan& plan, double best) {
  FakeBackend backend(curve, seed);
  auto result = tuner::tune(backend, plan, prices, nullptr);
  Outcome o;
  o.invocations = backend.invocations();
  if (!result || !result->recommended()) {
    o.error = INFINITY;
    return o;
  }
  o.sizes = static_cast<int>(result->sizes.size());
  o.picked_mb = result->recommended()->memory_mb;
  o.error = true_cost(prices, curve, o.picked_mb) / best - 1;
  return o;
}

}  // namespace

int main() {
  const auto table = tuner::PriceTable::builtin();
  if (!table) {
    std::fprintf(stderr, "%s\n", table.error().message.c_str());
    return 1;
  }
  const tuner::Prices prices = table->lookup("us-east-1", engine::Architecture::kX86_64).value();
  tuner::Plan sweep;
  sweep.memory_sizes.clear();
  for (int m = engine::kMinMemoryMb; m <= engine::kMaxMemoryMb; m += 64) sweep.memory_sizes.push_back(m);
  sweep.num = kNum;
  tuner::Plan automatic;
  automatic.selection = tuner::SizeSelection::kAuto;
  automatic.num = kNum;

  std::printf("auto search vs exhaustive 64 MB sweep: %d invokes per size, %d seeds per curve, strategy cost\n\n",
              kNum, kSeeds);
  std::printf("%-14s %9s %7s | %7s %6s %8s %9s %9s | %9s %9s\n", "curve", "best MB", "sweep", "auto", "share",
              "sizes", "err mean", "err max", "sweep err", "sweep max");
  bool all_met = true;
  double worst_share = 0;
  double worst_error = 0;
  for (const Curve& curve : tuner::testing::standard_curves()) {
    double best = INFINITY;
    int best_mb = 0;
    for (int m : sweep.memory_sizes) {
      const double cost = true_cost(prices, curve, m);
      if (cost < best) {
        best = cost;
        best_mb = m;
      }
    }
    double auto_invocations = 0, auto_sizes = 0, auto_error = 0, auto_max = 0, sweep_error = 0, sweep_max = 0;
    int sweep_invocations = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const Outcome a = run(prices, curve, seed, automatic, best);
      const Outcome s = run(prices, curve, seed, sweep, best);
      auto_invocations += a.invocations;
      auto_sizes += a.sizes;
      auto_error += a.error;
      auto_max = std::max(auto_max, a.error);
      sweep_error += s.error;
      sweep_max = std::max(sweep_max, s.error);
      sweep_invocations = s.invocations;
      worst_share = std::max(worst_share, static_cast<double>(a.invocations) / s.invocations);
    }
    const double share = auto_invocations / kSeeds / sweep_invocations;
    all_met &= auto_max <= 0.02 && share <= 1.0 / 3;
    worst_error = std::max(worst_error, auto_max);
    std::printf("%-14s %9d %7d | %7.0f %5.0f%% %8.1f %8.2f%% %8.2f%% | %8.2f%% %8.2f%%\n", curve.name.c_str(), best_mb,
                sweep_invocations, auto_invocations / kSeeds, share * 100, auto_sizes / kSeeds,
                auto_error / kSeeds * 100, auto_max * 100, sweep_error / kSeeds * 100, sweep_max * 100);
  }
  std::printf("\nworst auto error %.2f%% (target <= 2%%), worst invoke share %.0f%% (target <= 33%%): %s\n",
              worst_error * 100, worst_share * 100, all_met ? "target met" : "TARGET MISSED");
  return all_met ? 0 : 1;
}
