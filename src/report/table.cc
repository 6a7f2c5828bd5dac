#include "report/table.h"

#include <cmath>

#include <fmt/format.h>

#include "report/trace_view.h"
#include "report/text_format.h"
#include "util/strings.h"

namespace sweetspot::report {

namespace {

std::string ms(double value) {
  if (value >= 1000) return util::with_thousands(std::llround(value));
  return fmt::format("{:.1f}", value);
}

std::string mb(int memory_mb) { return util::with_thousands(memory_mb) + " MB"; }

}  // namespace

std::string render_table(const tuner::TuneResult& r) {
  std::string out = fmt::format("  {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7} {:>12} {:>10}\n",
                                "memory", "ok", "avg ms", "p50", "p95", "p99", "+/-95%", "init ms", "CPU ms",
                                "max MB", "$ per call", "$ per 1M");
  const tuner::SizeResult* chosen = r.recommended();
  for (const auto& s : r.sizes) {
    char mark = ' ';
    if (&s == chosen) mark = '*';
    else if (!s.feasible) mark = '!';
    else if (s.support.cpu_capped_by_host()) mark = '~';
    const std::string ok = fmt::format("{}/{}", s.successes, s.invocations);
    if (s.successes == 0) {
      out += fmt::format("{} {:>9} {:>7}   {}\n", mark, mb(s.memory_mb), ok, s.infeasible_reason);
      continue;
    }
    const tuner::Summary& d = r.plan.start == engine_api::StartPolicy::kWarm && s.warm_duration.count > 0
                                  ? s.warm_duration
                                  : s.duration;
    const double half_ci = (d.ci95_high - d.ci95_low) / 2;
    out += fmt::format("{} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7} {:>12} {:>10}", mark,
                       mb(s.memory_mb), ok, ms(s.typical_duration_ms), ms(d.p50), ms(d.p95), ms(d.p99), ms(half_ci),
                       s.init_duration.count > 0 ? ms(s.init_duration.mean) : "-", ms(s.cpu_time_ms.trimmed_mean),
                       s.max_memory_used_mb, fmt::format("{:.8f}", s.cost.total()),
                       fmt::format("{:.2f}", s.cost_per_million()));
    if (!s.feasible) out += "  " + s.infeasible_reason;
    out += '\n';
  }
  return out;
}

void write_report(std::ostream& out, const tuner::TuneResult& r) {
  bool any_warm = false;
  for (const auto& s : r.sizes) any_warm |= s.warm_duration.count > 0;
  const bool warm = r.plan.start == engine_api::StartPolicy::kWarm && any_warm;
  out << render_table(r);
  out << fmt::format("  durations: {} invokes{}; avg = trimmed mean (discarding {:.0f}% at each end); "
                     "costs include the request charge\n",
                     warm ? "warm" : "cold", warm ? " (cold starts are in the JSON)" : ", init included",
                     r.plan.discard_top_bottom * 100);
  out << "  * recommended   ! not usable   ~ this host gave less CPU than Lambda would (numbers are the host's)\n\n";

  out << "Recommendation: " << r.headline << "\n";
  for (const auto& line : r.reasoning) out << "  - " << line << "\n";
  for (const auto& line : r.warnings) out << "  ! " << line << "\n";
  if (auto parts = render_parts_table(r); !parts.empty()) out << "\n" << parts;

  if (r.search) {
    out << "\nAuto search, sizes in the order measured (predicted: what the model said before measuring it):\n";
    out << fmt::format("  {:>9}  {:>13} {:>13}  {:>12} {:>12}  {}\n", "memory", "predicted ms", "measured ms",
                       "predicted $", "measured $", "why");
    for (const auto& probe : r.search->probes) {
      const tuner::SizeResult* s = nullptr;
      for (const auto& size : r.sizes) {
        if (size.memory_mb == probe.memory_mb) s = &size;
      }
      if (!s) continue;
      const std::string predicted_ms = probe.predicted_duration_ms ? ms(*probe.predicted_duration_ms) : "-";
      const std::string predicted_cost = probe.predicted_cost ? fmt::format("{:.8f}", *probe.predicted_cost) : "-";
      if (!s->feasible) {
        out << fmt::format("  {:>9}  {:>13} {:>13}  {:>12} {:>12}  {} ({})\n", mb(probe.memory_mb), predicted_ms, "-",
                           predicted_cost, "-", probe.reason, s->infeasible_reason);
        continue;
      }
      out << fmt::format("  {:>9}  {:>13} {:>13}  {:>12} {:>12}  {}\n", mb(probe.memory_mb), predicted_ms,
                         ms(s->typical_duration_ms), predicted_cost, fmt::format("{:.8f}", s->cost.total()),
                         probe.reason);
    }
  }
  out << fmt::format("\nPrices: {} {}, {} per GB-second, {} per 1M requests ({})\n", r.prices.region,
                     engine_api::to_string(r.prices.architecture), format_usd(r.prices.gb_second(), 6),
                     format_usd(r.prices.request * 1e6), r.prices.source);
  out << fmt::format("This run: {} invokes, {} on Lambda; measured with {}\n", r.invocations,
                     format_usd(r.lambda_cost), r.backend);
}

}  // namespace sweetspot::report
