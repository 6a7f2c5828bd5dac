// How well `--memory auto` does against an exhaustive 64 MB sweep (128..10,240
// MB, the same invokes per size) and Power Tuning's default plan (6 sizes x 10
// invokes) on synthetic curves with known costs. For each curve and seed: the
// invokes each method used, the time a user waits for them (the sum of their
// durations and inits: what the function itself takes, run one after another),
// and how much more per call the size it picked really costs than the best size
// on the sweep's grid (measured on the noise-free curve, so the sweep's own
// noise-induced misses show too).
// Targets (issue 11): auto within 2% of the best, at most 25 invokes in the
// median case, at least 3x less waiting than Power Tuning's plan, and an error
// no worse than that plan's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine_api/lambda_limits.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace {

using namespace sweetspot;
using tuner::testing::Curve;
using tuner::testing::FakeBackend;

constexpr int kNum = 10;
int kSeeds = 10;      // --seeds N
bool kDetail = false;  // --detail: each auto run's probes, pick and stop reason
std::string kOnly;     // --curve NAME: that curve alone
bool kOwnSpeed = false;  // --own-speed: auto compares sizes at their environments' own speed (as before session 10)

double true_cost(const tuner::Prices& prices, const Curve& c, int memory_mb) {
  if (c.working_set_mb > 0 && memory_mb <= c.working_set_mb) return INFINITY;
  return tuner::invocation_cost(prices, memory_mb, std::ceil(tuner::testing::true_duration_ms(c, memory_mb))).total();
}

// The time a user waits for the invokes: their durations, inits included.
class Waited : public tuner::TuneObserver {
 public:
  void on_invocation(const engine_api::Invocation& inv) override {
    ms += inv.duration_ms + inv.init_duration_ms.value_or(0);
  }
  double ms = 0;
};

struct Outcome {
  int invocations = 0;
  double waited_ms = 0;
  int sizes = 0;
  double error = 0;  // true cost of the pick / best true cost on the grid - 1
  int picked_mb = 0;
};

Outcome run(const tuner::Prices& prices, const Curve& curve, uint64_t seed, const tuner::Plan& plan, double best) {
  FakeBackend backend(curve, seed);
  Waited waited;
  tuner::Plan seeded = plan;
  seeded.seed = seed;
  auto result = tuner::tune(backend, seeded, prices, &waited);
  Outcome o;
  o.invocations = backend.invocations();
  o.waited_ms = waited.ms;
  if (!result || !result->recommended()) {
    o.error = INFINITY;
    return o;
  }
  o.sizes = static_cast<int>(result->sizes.size());
  o.picked_mb = result->recommended()->memory_mb;
  o.error = true_cost(prices, curve, o.picked_mb) / best - 1;
  if (kDetail && result->search) {
    std::printf("  %-14s seed %-3llu %3d invokes %7.1fs  pick %5d MB  error %6.2f%%  sizes:", curve.name.c_str(),
                static_cast<unsigned long long>(seed), o.invocations, o.waited_ms / 1000, o.picked_mb, o.error * 100);
    for (const auto& s : result->sizes) std::printf(" %d(%d)", s.memory_mb, s.invocations);
    std::printf("\n");
    for (const auto& probe : result->search->probes) std::printf("    probe %5d MB: %s\n", probe.memory_mb, probe.reason.c_str());
    std::printf("    stop: %s\n", result->search->stop_reason.c_str());
    for (const auto& a : result->speed_adjustments) {
      std::printf("    at typical speed: %d MB cpu %.1f -> %.1f ms, duration x %.3f\n", a.memory_mb, a.cpu_ms,
                  a.typical_cpu_ms, a.duration_factor);
    }
    if (const auto& fit = result->sizes_fit) {
      std::printf("    compared by the fit: wait %.1f ms, serial %.2f, misfit %.2f (limit %.2f), noise %.1f%%\n",
                  fit->wait_ms, fit->serial, fit->misfit, fit->limit, fit->noise * 100);
    } else {
      std::printf("    compared as measured\n");
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--detail") {
      kDetail = true;
    } else if (arg == "--seeds" && i + 1 < argc) {
      kSeeds = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--curve" && i + 1 < argc) {
      kOnly = argv[++i];
    } else if (arg == "--own-speed") {
      kOwnSpeed = true;
    } else {
      std::fprintf(stderr, "usage: auto_search_bench [--seeds N] [--curve NAME] [--detail] [--own-speed]\n");
      return 2;
    }
  }
  const auto table = tuner::PriceTable::builtin();
  if (!table) {
    std::fprintf(stderr, "%s\n", table.error().message.c_str());
    return 1;
  }
  const tuner::Prices prices = table->lookup("us-east-1", engine_api::Architecture::kX86_64).value();
  tuner::Plan sweep;
  sweep.memory_sizes.clear();
  for (int m = engine_api::kMinMemoryMb; m <= engine_api::kMaxMemoryMb; m += 64) sweep.memory_sizes.push_back(m);
  sweep.num = kNum;
  tuner::Plan automatic;
  automatic.selection = tuner::SizeSelection::kAuto;
  automatic.num = kNum;
  automatic.search.compare_at_typical_speed = !kOwnSpeed;

  tuner::Plan power_tuning;  // its defaults: 128..3008 MB, 10 invokes each
  power_tuning.num = kNum;

  std::printf("auto search vs exhaustive 64 MB sweep and Power Tuning's default plan (6 sizes x %d), %d seeds per "
              "curve, strategy cost\n\n",
              kNum, kSeeds);
  std::printf("%-14s %8s | %6s %8s %8s | %6s %8s %8s %8s %6s | %7s %8s %8s\n", "curve", "best MB", "sweep", "err max",
              "waited", "auto", "waited", "err mean", "err max", "agree", "PT", "waited", "err max");
  bool all_met = true;
  double worst_error = 0;
  std::vector<double> auto_invocations_all;
  double auto_waited_total = 0, pt_waited_total = 0;
  int auto_worse_than_pt = 0;
  int worst_agree = kSeeds;
  for (const Curve& curve : tuner::testing::standard_curves()) {
    if (!kOnly.empty() && curve.name != kOnly) continue;
    double best = INFINITY;
    int best_mb = 0;
    for (int m : sweep.memory_sizes) {
      const double cost = true_cost(prices, curve, m);
      if (cost < best) {
        best = cost;
        best_mb = m;
      }
    }
    double auto_invocations = 0, auto_error = 0, auto_max = 0, sweep_max = 0, pt_max = 0;
    double auto_waited = 0, pt_waited = 0, sweep_waited = 0;
    int sweep_invocations = 0, pt_invocations = 0;
    std::vector<int> picks;
    for (uint64_t seed = 1; seed <= static_cast<uint64_t>(kSeeds); ++seed) {
      const Outcome a = run(prices, curve, seed, automatic, best);
      const Outcome s = run(prices, curve, seed, sweep, best);
      const Outcome p = run(prices, curve, seed, power_tuning, best);
      auto_invocations += a.invocations;
      auto_invocations_all.push_back(a.invocations);
      picks.push_back(a.picked_mb);
      auto_error += a.error;
      auto_max = std::max(auto_max, a.error);
      sweep_max = std::max(sweep_max, s.error);
      pt_max = std::max(pt_max, p.error);
      auto_waited += a.waited_ms;
      pt_waited += p.waited_ms;
      sweep_waited += s.waited_ms;
      sweep_invocations = s.invocations;
      pt_invocations = p.invocations;
      auto_worse_than_pt += a.error > std::max(p.error, 0.0) + 0.005 ? 1 : 0;
    }
    // The same answer twice: runs whose pick costs within 2% of the most common pick.
    int most = picks.front(), most_count = 0;
    for (int p : picks) {
      const int n = static_cast<int>(std::count(picks.begin(), picks.end(), p));
      if (n > most_count) most = p, most_count = n;
    }
    int agree = 0;
    for (int p : picks) agree += std::abs(true_cost(prices, curve, p) / true_cost(prices, curve, most) - 1) <= 0.02;
    worst_agree = std::min(worst_agree, agree);
    auto_waited_total += auto_waited;
    pt_waited_total += pt_waited;
    all_met &= auto_max <= 0.02;
    worst_error = std::max(worst_error, auto_max);
    std::printf("%-14s %8d | %6d %7.2f%% %7.0fs | %6.1f %7.1fs %7.2f%% %7.2f%% %3d/%-2d | %7d %7.1fs %7.2f%%\n",
                curve.name.c_str(), best_mb, sweep_invocations, sweep_max * 100, sweep_waited / kSeeds / 1000,
                auto_invocations / kSeeds, auto_waited / kSeeds / 1000, auto_error / kSeeds * 100, auto_max * 100,
                agree, kSeeds, pt_invocations, pt_waited / kSeeds / 1000, pt_max * 100);
  }
  std::sort(auto_invocations_all.begin(), auto_invocations_all.end());
  const double median = auto_invocations_all[auto_invocations_all.size() / 2];
  const double speedup = pt_waited_total / auto_waited_total;
  all_met &= median <= 25 && speedup >= 3 && worst_agree * 10 >= kSeeds * 9;
  std::printf("\nauto: worst error %.2f%% (target <= 2%%), median %.0f invokes (target <= 25), %.1fx less waiting than "
              "Power Tuning's plan (target >= 3x), worse than that plan's pick by more than 0.5%% in %d of %zu runs, "
              "the same answer (within 2%%) in at least %d of %d runs of every curve (target 9 of 10): %s\n",
              worst_error * 100, median, speedup, auto_worse_than_pt, auto_invocations_all.size(), worst_agree, kSeeds,
              all_met ? "targets met" : "TARGET MISSED");
  return all_met ? 0 : 1;
}
