#include "report/explain.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "engine_api/lambda_limits.h"
#include "report/text_format.h"
#include "tuner/environment_speed.h"
#include "tuner/tuner.h"
#include "util/strings.h"

namespace sweetspot::report {

using tuner::DurationModel;
using tuner::LatencyLimit;
using tuner::Plan;
using tuner::SizeResult;
using tuner::StrategyKind;
using tuner::TuneResult;
using tuner::WorkloadKind;

namespace {

std::string mb(int memory_mb) { return util::with_thousands(memory_mb) + " MB"; }

std::string limit_text(const LatencyLimit& limit) {
  return fmt::format("{} <= {:g} ms", percentile_name(limit.percentile), limit.max_ms);
}

// "4.1x faster than 128 MB" / "as fast as" / "12% slower than".
std::string speed_versus(const SizeResult& a, const SizeResult& b) {
  const double ratio = b.typical_duration_ms / a.typical_duration_ms;
  if (ratio >= 1.05) return fmt::format("{:.1f}x faster than {}", ratio, mb(b.memory_mb));
  if (ratio > 0.95) return fmt::format("about as fast as {}", mb(b.memory_mb));
  return fmt::format("{:.0f}% slower than {}", (1 / ratio - 1) * 100, mb(b.memory_mb));
}

// "for 9% more per call" / "for 2.3x the cost per call" / "for 12% less per call".
std::string cost_versus(const SizeResult& a, const SizeResult& b) {
  const double ratio = a.cost.total() / b.cost.total();
  if (ratio >= 2) return fmt::format("for {:.1f}x the cost per call", ratio);
  if (ratio > 1.005) return fmt::format("for {:.0f}% more per call", (ratio - 1) * 100);
  if (ratio < 0.995) return fmt::format("for {:.0f}% less per call", (1 - ratio) * 100);
  return "at the same cost per call";
}

std::string strategy_phrase(const Plan& plan) {
  const auto& s = plan.strategy;
  std::string what;
  switch (s.kind) {
    case StrategyKind::kCost: what = "the cheapest size"; break;
    case StrategyKind::kSpeed: what = "the fastest size"; break;
    case StrategyKind::kBalanced:
      what = fmt::format("the best balance of cost and speed (weight {:g})", s.weight);
      break;
  }
  if (s.limit) what += " with " + limit_text(*s.limit);
  return what;
}

// Why the workload's kind leads to this kind of answer.
std::string consequence(const DurationModel& model) {
  switch (model.kind()) {
    case WorkloadKind::kIoBound:
      return "Waiting is billed per GB-second like work, so memory beyond what it needs adds cost without "
             "adding speed.";
    case WorkloadKind::kMixed:
      return "More memory shortens only its CPU part, so cost rises once the CPU part is small.";
    case WorkloadKind::kCpuBound:
      if (model.parallelism_measured() && model.serial_fraction() < 0.9) {
        return "Below the point where it stops using more vCPUs, duration falls about as fast as the price per "
               "millisecond rises, so cost stays nearly flat while it gets faster.";
      }
      return "Up to 1,769 MB its duration falls about as fast as the price per millisecond rises, so the cost per "
             "call stays nearly flat; above that, more memory only costs more.";
  }
  return "";
}

// 95% interval of a size's cost per call (its cost margin: the noise pooled over
// the run's sizes, see search.h).
std::pair<double, double> cost_interval(const SizeResult& s) {
  return {s.cost.total() * (1 - s.cost_margin), s.cost.total() * (1 + s.cost_margin)};
}

// The other usable sizes whose cost cannot be told apart from the chosen one's.
std::vector<const SizeResult*> within_noise(const TuneResult& r, const SizeResult& chosen) {
  const auto [low, high] = cost_interval(chosen);
  std::vector<const SizeResult*> close;
  for (const auto& s : r.sizes) {
    if (&s == &chosen || !s.feasible || s.steady_billed_ms.count < 2) continue;
    const auto [other_low, other_high] = cost_interval(s);
    if (other_low <= high && other_high >= low) close.push_back(&s);
  }
  return close;
}

}  // namespace

void explain(TuneResult& result) {
  const TuneResult& r = result;
  // Built apart, then merged around what the tuner added.
  std::string headline;
  std::vector<std::string> reasoning, warnings;
  const Plan& plan = r.plan;

  const SizeResult* smallest = nullptr;
  const SizeResult* fastest = nullptr;
  for (const auto& s : r.sizes) {
    if (!s.feasible) continue;
    if (!smallest) smallest = &s;
    if (!fastest || s.typical_duration_ms < fastest->typical_duration_ms) fastest = &s;
  }

  if (const SizeResult* chosen = r.recommended()) {
    headline = fmt::format("{}: {}", mb(chosen->memory_mb), strategy_phrase(plan));
    if (chosen != smallest) {
      headline += fmt::format("; {} {}", speed_versus(*chosen, *smallest), cost_versus(*chosen, *smallest));
    } else if (fastest && fastest != chosen) {
      headline += fmt::format("; the fastest, {}, is {} {}", mb(fastest->memory_mb),
                                speed_versus(*fastest, *chosen), cost_versus(*fastest, *chosen));
    }
    const std::vector<const SizeResult*> close = within_noise(r, *chosen);
    if (!close.empty()) {
      std::vector<int> sizes;
      const SizeResult* quickest = chosen;
      for (const SizeResult* s : close) {
        sizes.push_back(s->memory_mb);
        if (s->typical_duration_ms < quickest->typical_duration_ms) quickest = s;
      }
      std::string line = fmt::format("{} MB {} the same as {} within measurement noise (95% intervals overlap)",
                                     util::with_thousands_list(sizes),
                                     close.size() == 1 ? "costs" : "cost", mb(chosen->memory_mb));
      if (plan.strategy.kind == StrategyKind::kCost) {
        line += fmt::format("; sizes within {:.1f}% of the cheapest count as equally cheap, and of those the fastest "
                            "is recommended (equal cost buys speed for free), so the answer does not flip with noise",
                            std::clamp(chosen->cost_margin * 2, tuner::kMinTie, tuner::kMaxTie) * 100);
        if (quickest != chosen && quickest->typical_duration_ms * 1.05 < chosen->typical_duration_ms) {
          line += fmt::format(". {} is {} but measured slightly dearer: worth it if latency matters",
                              mb(quickest->memory_mb), speed_versus(*quickest, *chosen));
        }
      } else if (plan.strategy.kind == StrategyKind::kSpeed) {
        line += "; of sizes equally fast within noise the cheapest is recommended";
      }
      reasoning.push_back(line + ".");
    }
    if (chosen->support.cpu_capped_by_host()) {
      reasoning.push_back(fmt::format(
          "{} was measured with {:.2f} vCPUs where Lambda gives {:.2f}: this host has too few cores, so on Lambda it "
          "will be faster than measured here.",
          mb(chosen->memory_mb), chosen->support.effective_cpus, chosen->support.requested_cpus));
    }
  } else if (!r.choice.limit_met && r.closest()) {
    const SizeResult* closest = r.closest();
    headline = fmt::format("No size meets {}: the closest is {} at {} = {:.1f} ms", limit_text(*plan.strategy.limit),
                             mb(closest->memory_mb), percentile_name(plan.strategy.limit->percentile),
                             closest->latency_ms);
  } else {
    headline = "No size worked: every measured size failed (reasons below)";
  }

  if (r.model) reasoning.push_back("The function is " + r.model->describe() + ". " + consequence(*r.model));

  // The host: sizes were interleaved in random order, and a reference CPU burst
  // between batches measured how much CPU a thread got.
  if (r.host.too_noisy) {
    warnings.push_back(r.host.verdict);
  } else if (!r.host.verdict.empty()) {
    reasoning.push_back(fmt::format("{}{}.", static_cast<char>(std::toupper(r.host.verdict[0])), r.host.verdict.substr(1)));
  }
  if (!r.host.parallel_limited.empty()) {
    std::string list;
    for (const auto& [m, n] : r.host.parallel_limited) {
      list += fmt::format("{}{} MB {} at once", list.empty() ? "" : ", ", util::with_thousands(m), n);
    }
    reasoning.push_back(fmt::format("--parallel ran no more environments of a size at once than this host's CPUs "
                                      "hold without contention ({}), so durations are the function's, not the "
                                      "host's queue.",
                                      list));
  }

  if (r.search) {
    const int sweep_sizes = (engine_api::kMaxMemoryMb - engine_api::kMinMemoryMb) / 64 + 1;
    std::string line = fmt::format(
        "Searched {}-{}: measured {} sizes ({} invokes, {:.0f}% of the {} a 64 MB sweep needs); {}.",
        util::with_thousands(engine_api::kMinMemoryMb), mb(engine_api::kMaxMemoryMb), r.sizes.size(), r.invocations,
        100.0 * static_cast<double>(r.sizes.size()) / sweep_sizes, util::with_thousands(sweep_sizes * plan.num),
        r.search->stop_reason);
    reasoning.push_back(line);
    double widest = 0;  // the farthest a size's environment ran from the level
    for (const auto& a : r.speed_adjustments) widest = std::max(widest, std::abs(a.cpu_ms / a.typical_cpu_ms - 1));
    if (!r.speed_adjustments.empty()) {
      reasoning.push_back(fmt::format(
          "The sizes were compared at the level of their CPU times per invoke, not each at its own: each size ran "
          "in its own execution environment at its own time, and the same work ran up to {:.0f}% faster or slower "
          "there than that level (environments differ, and a host runs faster or slower for seconds at a time), "
          "which more invokes in the same stretch cannot average out.",
          widest * 100));
    }
    // A throttled pick is compared as measured, in its one environment: say
    // when that environment's speed could have made it the pick (image-python's
    // 128 MB, 13 runs in 100: bench/README.md, session 11).
    if (const SizeResult* chosen = r.recommended()) {
      const std::vector<int> rivals = tuner::rivals_within_environment_reach(r.sizes, *chosen);
      if (!rivals.empty()) {
        reasoning.push_back(fmt::format(
            "{} is below a fifth of a vCPU, where a size's CPU time per invoke is its quota's as much as its "
            "execution environment's, so it was compared as measured, in the one environment it ran in; "
            "environments run the same work {}, and {} MB cost{} within what that can move: another run may "
            "recommend {}.",
            mb(chosen->memory_mb),
            widest > 0 ? fmt::format("up to {:.0f}% faster or slower than their level in this run", widest * 100)
                       : std::string("several percent faster or slower"),
            util::with_thousands_list(rivals), rivals.size() == 1 ? "s" : "",
            rivals.size() == 1 ? "it" : "one of them"));
      }
    }
    if (const auto& fit = r.sizes_fit) {
      const std::string form =
          fit->form == tuner::SizesFit::Form::kWaitHidden
              ? fmt::format("below one vCPU each size's CPU time at its share of a vCPU, x{:.2f}, its waits passing "
                            "while the quota holds it back; from one vCPU, one wait of {:.1f} ms plus its CPU time",
                            fit->throttled_factor, fit->wait_ms)
              : fmt::format("one wait of {:.1f} ms plus each size's CPU time at its share of a vCPU", fit->wait_ms);
      reasoning.push_back(fmt::format(
          "The sizes were compared through the model's fit to all of them ({}), which explains every measured size "
          "within the run's noise ({:.1f}% per invoke): with a few invokes per size, the cheapest measured mean is "
          "often a lucky one.",
          form, fit->noise * 100));
    }
  }
  if (r.model_best) {
    const auto& best = *r.model_best;
    const SizeResult* at = nullptr;
    for (const auto& s : r.sizes) {
      if (s.feasible && (!at || std::abs(s.memory_mb - best.memory_mb) < std::abs(at->memory_mb - best.memory_mb))) {
        at = &s;
      }
    }
    if (r.search && at) {
      reasoning.push_back(fmt::format(
          "The model predicted the {} at {}: {:.1f} ms and {} per call; measured at {}: {:.1f} ms and {} "
          "({:+.1f}% cost).",
          r.choice.limit_met ? "best" : "size closest to the limit", mb(best.memory_mb), best.duration_ms, format_usd(best.cost), mb(at->memory_mb), at->typical_duration_ms,
          format_usd(at->cost.total()), (at->cost.total() / best.cost - 1) * 100));
    } else if (!r.search) {
      reasoning.push_back(fmt::format(
          "The model predicts {} at {} per call, cheaper than every size measured; try --memory auto to confirm.",
          mb(best.memory_mb), format_usd(best.cost)));
    }
  }

  // Unusable sizes, grouped by reason: an out-of-memory floor found by bisection
  // is one finding, not seven.
  std::vector<std::pair<std::string, std::vector<int>>> unusable;
  for (const auto& s : r.sizes) {
    if (s.feasible) continue;
    auto it = std::find_if(unusable.begin(), unusable.end(), [&](auto& u) { return u.first == s.infeasible_reason; });
    if (it == unusable.end()) it = unusable.insert(unusable.end(), {s.infeasible_reason, {}});
    it->second.push_back(s.memory_mb);
  }
  for (const auto& [reason, sizes] : unusable) {
    reasoning.push_back(
        fmt::format("{} MB {} not usable: {}.", util::with_thousands_list(sizes), sizes.size() == 1 ? "is" : "are",
                    reason));
  }
  std::vector<int> stopped;
  for (const auto& s : r.sizes) {
    if (!s.feasible && !s.stopped_early.empty() && s.infeasible_reason.find("could not run") == std::string::npos) {
      stopped.push_back(s.memory_mb);
    }
  }
  if (!stopped.empty()) {
    reasoning.push_back(fmt::format("{} MB stopped at the first out-of-memory or timeout: more invokes cannot make "
                                      "{} usable.",
                                      util::with_thousands_list(stopped), stopped.size() == 1 ? "it" : "them"));
  }
  for (const auto& s : r.sizes) {
    if (!s.feasible) {
      continue;
    } else if (s.successes < s.invocations) {
      std::string kinds;
      for (const auto& [type, n] : s.errors) kinds += fmt::format("{}{} x{}", kinds.empty() ? "" : ", ", type, n);
      reasoning.push_back(fmt::format("{}: {} of {} invokes failed ({}); the statistics cover the others.",
                                        mb(s.memory_mb), s.invocations - s.successes, s.invocations, kinds));
    }
    if (s.invocations > 0 && s.support.cpu_capped_by_host()) {
      warnings.push_back(
          s.support.note.empty()
              ? fmt::format("{}: measured with {:.2f} vCPUs on {} cores where Lambda gives {:.2f} on {}; its numbers "
                            "are this host's",
                            mb(s.memory_mb), s.support.effective_cpus, s.support.effective_cores,
                            s.support.requested_cpus, s.support.requested_cores)
              : fmt::format("{}: {}", mb(s.memory_mb), s.support.note));
    }
    if (s.invocations > 0 && (!s.limits_enforced || !s.support.limits_enforced)) {
      warnings.push_back(fmt::format("{}: ran without memory/CPU limits; its numbers are not Lambda's",
                                       mb(s.memory_mb)));
    }
  }
  result.headline = std::move(headline);
  result.reasoning.insert(result.reasoning.begin(), reasoning.begin(), reasoning.end());
  result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
}

}  // namespace sweetspot::report
