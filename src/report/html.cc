#include "report/html.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "report/text_format.h"
#include "util/strings.h"

namespace sweetspot::report {

namespace {

// Geometry of every chart, in SVG user units (the viewBox); the page scales it.
constexpr double kWidth = 640;
constexpr double kHeight = 330;
constexpr double kLeft = 74;
constexpr double kRight = 28;
constexpr double kTop = 18;
constexpr double kBottom = 46;
constexpr double kPlotW = kWidth - kLeft - kRight;
constexpr double kPlotH = kHeight - kTop - kBottom;

std::string num(double v) { return fmt::format("{:.1f}", v); }

// Axis ticks at 1, 2, 2.5 or 5 x 10^k, from 0 to at least `max`.
struct LinearAxis {
  double max = 1;
  std::vector<double> ticks;
};

LinearAxis linear_axis(double max) {
  if (!(max > 1e-9) || !std::isfinite(max)) max = 1;
  const double rough = max / 5;
  const double magnitude = std::pow(10, std::floor(std::log10(rough)));
  double step = magnitude * 10;
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (f * magnitude >= rough) {
      step = f * magnitude;
      break;
    }
  }
  LinearAxis axis;
  axis.max = std::ceil(max / step - 1e-9) * step;
  for (int i = 0; i <= 12 && i * step <= axis.max + step / 2; ++i) axis.ticks.push_back(i * step);
  return axis;
}

std::string tick_label(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.3g}", v);
  return fmt::format("{:.2g}", v);
}

// Memory on a log scale: 128 MB to 10 GB spans 80x, and Lambda's sizes double.
struct MemoryAxis {
  double lo = 128;
  double hi = 10240;
  double x(double mb) const { return kLeft + (std::log(mb) - std::log(lo)) / (std::log(hi) - std::log(lo)) * kPlotW; }
};

MemoryAxis memory_axis(const std::vector<int>& sizes) {
  MemoryAxis axis;
  if (sizes.empty()) return axis;
  const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
  axis.lo = *lo / 1.25;
  axis.hi = *hi * 1.25;
  if (*hi == *lo) {
    axis.lo = *lo / 2.0;
    axis.hi = *hi * 2.0;
  }
  return axis;
}

double y_of(double value, const LinearAxis& axis) { return kTop + kPlotH - value / axis.max * kPlotH; }

// The frame: grid, tick labels and axis titles. `x_ticks` are (value, position).
std::string frame(const std::vector<std::pair<std::string, double>>& x_ticks, const LinearAxis& y,
                  std::string_view x_title, std::string_view y_title, bool dollars) {
  std::string out;
  for (double t : y.ticks) {
    const double py = y_of(t, y);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", num(kLeft), num(kWidth - kRight),
                       num(py), num(py));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}{}</text>", num(kLeft - 6),
                       num(py + 4), dollars && t > 0 ? "$" : "", tick_label(t));
  }
  for (const auto& [label, px] : x_ticks) {
    out += fmt::format("<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", num(px), num(px), num(kTop),
                       num(kTop + kPlotH));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", num(px),
                       num(kTop + kPlotH + 18), html_escape(label));
  }
  out += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", num(kLeft), num(kWidth - kRight),
                     num(kTop + kPlotH), num(kTop + kPlotH));
  out += fmt::format("<text class=\"title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                     num(kLeft + kPlotW / 2), num(kHeight - 6), html_escape(x_title));
  out += fmt::format("<text class=\"title\" transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
                     num(kTop + kPlotH / 2), html_escape(y_title));
  return out;
}

std::vector<std::pair<std::string, double>> memory_ticks(const MemoryAxis& axis, const std::vector<int>& sizes) {
  // The measured sizes themselves when few, else powers of two: labels must not collide.
  std::vector<int> values;
  if (sizes.size() <= 8) {
    values = sizes;
  } else {
    for (int mb : {128, 256, 512, 1024, 2048, 4096, 8192}) values.push_back(mb);
    values.push_back(10240);
  }
  std::vector<std::pair<std::string, double>> ticks;
  double last = -1e9;
  for (int mb : values) {
    if (mb < axis.lo || mb > axis.hi) continue;
    const double px = axis.x(mb);
    if (px - last < 56) continue;  // room for "10240" at the phone's larger text
    ticks.emplace_back(std::to_string(mb), px);
    last = px;
  }
  return ticks;
}

std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view cls) {
  if (points.size() < 2) return "";
  std::string d;
  for (const auto& [x, y] : points) d += fmt::format("{}{},{}", d.empty() ? "" : " ", num(x), num(y));
  return fmt::format("<polyline class=\"{}\" points=\"{}\"/>", cls, d);
}

// A point and the tip its hover shows. `shape` "circle" or "diamond".
struct Point {
  double x = 0;
  double y = 0;
  std::string series;  // data-series, what the tests count
  int memory_mb = 0;
  std::vector<std::string> tip;  // lines, already plain text
  std::string extra_class;       // recommended / capped / infeasible
  bool diamond = false;
};

std::string point_svg(const Point& p) {
  std::string out = fmt::format(
      "<g class=\"pt {}\" tabindex=\"0\" data-series=\"{}\" data-memory=\"{}\" aria-label=\"{}\">", p.extra_class,
      p.series, p.memory_mb, html_escape(p.tip.empty() ? "" : p.tip.front()));
  if (p.extra_class.find("recommended") != std::string::npos) {
    out += fmt::format("<circle class=\"halo\" cx=\"{}\" cy=\"{}\" r=\"11\"/>", num(p.x), num(p.y));
  }
  if (p.diamond) {
    out += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" transform=\"rotate(45 {} {})\"/>",
                       num(p.x - 4.5), num(p.y - 4.5), num(p.x), num(p.y));
  } else {
    out += fmt::format("<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"5.5\"/>", num(p.x), num(p.y));
  }
  // The tip: inside the plot, on the side with room.
  size_t longest = 0;
  for (const auto& line : p.tip) longest = std::max(longest, line.size());
  const double w = 14 + 7.3 * static_cast<double>(longest);  // 13-unit text
  const double h = 10 + 17 * static_cast<double>(p.tip.size());
  double tx = p.x + 12;
  if (tx + w > kWidth - 2) tx = p.x - 12 - w;
  tx = std::max(2.0, tx);
  double ty = std::clamp(p.y - h / 2, 2.0, kHeight - h - 2);
  out += fmt::format("<g class=\"tip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>", num(tx), num(ty),
                     num(w), num(h));
  for (size_t i = 0; i < p.tip.size(); ++i) {
    out += fmt::format("<text x=\"{}\" y=\"{}\"{}>{}</text>", num(tx + 7), num(ty + 20 + 17 * static_cast<double>(i)),
                       i == 0 ? " class=\"head\"" : "", html_escape(p.tip[i]));
  }
  out += "</g></g>";
  return out;
}

std::string svg_open(std::string_view id, std::string_view label) {
  return fmt::format(
      "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">",
      id, kWidth, kHeight, html_escape(label));
}

std::string point_class(const ResultReport& r, const SizeReport& s) {
  std::string cls;
  if (r.recommended_mb == s.memory_mb) cls += " recommended";
  if (!s.feasible) cls += " infeasible";
  if (s.cpu_capped_by_host) cls += " capped";
  return cls;
}

std::string size_note(const ResultReport& r, const SizeReport& s) {
  if (r.recommended_mb == s.memory_mb) return "recommended";
  if (!s.feasible) return "not usable: " + s.infeasible_reason;
  if (s.cpu_capped_by_host) return "host gave less CPU than Lambda would";
  return "";
}

std::vector<std::string> cost_lines(const SizeReport& s) {
  return {fmt::format("{} per call, ${:.2f} per 1M", format_cost(s.cost_per_invocation), s.cost_per_million)};
}

std::string legend(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "<ul class=\"legend\">";
  for (const auto& [cls, label] : items) {
    out += fmt::format("<li><span class=\"key {}\"></span>{}</li>", cls, html_escape(label));
  }
  return out + "</ul>";
}

// Legend entries for marks that appear in this result only.
void add_mark_keys(const ResultReport& r, std::vector<std::pair<std::string, std::string>>& keys, bool long_words) {
  bool capped = false, infeasible = false;
  for (const auto& s : r.sizes) {
    capped |= s.cpu_capped_by_host && s.measured();
    infeasible |= !s.feasible;
  }
  if (r.recommended_mb) keys.push_back({"recommended", "recommended"});
  if (capped) keys.push_back({"capped", long_words ? "host gave less CPU (not Lambda's number)" : "host gave less CPU"});
  if (infeasible) keys.push_back({"infeasible", "not usable"});
}

enum class DurationKind { kSteady, kCold };

// Duration against memory for one kind of invoke: the p50 line, the p5-p95
// band, a point per size, the model's curve and the latency limit.
std::string duration_chart(const ResultReport& r, DurationKind kind, std::string_view id, std::string_view caption) {
  const auto stats_of = [&](const SizeReport& s) -> const SampleStats& {
    return kind == DurationKind::kCold ? s.cold : r.steady(s);
  };
  std::vector<int> sizes;
  double top = 0;
  for (const auto& s : r.sizes) {
    sizes.push_back(s.memory_mb);
    if (stats_of(s).count > 0) top = std::max(top, stats_of(s).p95);
  }
  const bool draw_model = kind == DurationKind::kSteady && r.auto_memory && !r.model_curve.empty();
  const MemoryAxis mx = memory_axis(sizes);
  if (r.limit_ms && kind == DurationKind::kSteady) top = std::max(top, *r.limit_ms);
  const LinearAxis y = linear_axis(top * 1.08);
  std::string svg = svg_open(id, caption);
  svg += frame(memory_ticks(mx, sizes), y, "Memory (MB, log scale)", "Duration (ms)", false);

  std::vector<std::pair<double, double>> upper, lower, median;
  std::vector<Point> points;
  const bool pt_source = r.source == ResultSource::kPowerTuning;
  for (const auto& s : r.sizes) {
    const SampleStats& d = stats_of(s);
    const double px = mx.x(s.memory_mb);
    if (d.count == 0) {
      if (kind == DurationKind::kSteady && !s.measured()) {
        // Never worked: a cross on the axis, its reason on hover.
        Point p{px, kTop + kPlotH, "failed", s.memory_mb,
                {format_mb(s.memory_mb), s.infeasible_reason.empty() ? "no successful invoke" : s.infeasible_reason},
                " infeasible failed", true};
        points.push_back(std::move(p));
      }
      continue;
    }
    upper.emplace_back(px, y_of(d.p95, y));
    lower.emplace_back(px, y_of(d.p5, y));
    median.emplace_back(px, y_of(d.p50, y));
    Point p;
    p.x = px;
    p.y = y_of(d.p50, y);
    p.series = kind == DurationKind::kCold ? "cold" : "p50";
    p.memory_mb = s.memory_mb;
    p.diamond = kind == DurationKind::kCold;
    p.extra_class = point_class(r, s);
    p.tip.push_back(format_mb(s.memory_mb));
    if (pt_source) {
      p.tip.push_back(fmt::format("average {} ms", format_ms(d.mean)));
    } else {
      p.tip.push_back(fmt::format("p50 {} ms ({} invokes)", format_ms(d.p50), d.count));
      p.tip.push_back(fmt::format("p5-p95 {} to {} ms", format_ms(d.p5), format_ms(d.p95)));
      p.tip.push_back(fmt::format("p99 {} ms, mean {} ±{}", format_ms(d.p99), format_ms(d.mean),
                                  format_ms((d.ci95_high - d.ci95_low) / 2)));
    }
    if (kind == DurationKind::kCold && s.init.count > 0) {
      p.tip.push_back(fmt::format("init {} ms (included)", format_ms(s.init.mean)));
    }
    for (auto& line : cost_lines(s)) p.tip.push_back(std::move(line));
    if (auto note = size_note(r, s); !note.empty()) p.tip.push_back(note);
    points.push_back(std::move(p));
  }
  if (upper.size() >= 2 && !pt_source) {
    std::string d;
    for (const auto& [x, yy] : upper) d += fmt::format("{}{},{}", d.empty() ? "" : " ", num(x), num(yy));
    for (auto it = lower.rbegin(); it != lower.rend(); ++it) d += fmt::format(" {},{}", num(it->first), num(it->second));
    svg += fmt::format("<polygon class=\"band{}\" points=\"{}\"/>", kind == DurationKind::kCold ? " cold" : "", d);
  }
  if (draw_model) {
    std::vector<std::pair<double, double>> curve;
    for (const auto& c : r.model_curve) {
      if (c.memory_mb < mx.lo || c.memory_mb > mx.hi || c.below_smallest_working_size) continue;
      curve.emplace_back(mx.x(c.memory_mb), y_of(std::min(c.duration_ms, y.max), y));
    }
    svg += polyline(curve, "model");
  }
  svg += polyline(median, kind == DurationKind::kCold ? "line cold" : "line p50");
  if (r.limit_ms && kind == DurationKind::kSteady) {
    const double ly = y_of(*r.limit_ms, y);
    svg += fmt::format("<line class=\"limit\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", num(kLeft),
                       num(kWidth - kRight), num(ly), num(ly));
    // At the left, where memory is scarce and durations sit far above any limit.
    svg += fmt::format("<text class=\"limit-label\" x=\"{}\" y=\"{}\">limit: {} ≤ {} ms</text>", num(kLeft + 6),
                       num(ly - 6), percentile_name(r.limit_percentile),
                       format_ms(*r.limit_ms));
  }
  for (const auto& p : points) svg += point_svg(p);
  svg += "</svg>";

  std::vector<std::pair<std::string, std::string>> keys;
  if (kind == DurationKind::kCold) {
    keys = {{"cold", "cold start p50 (init included)"}};
    if (!pt_source) keys.push_back({"band cold", "p5 to p95"});
  } else {
    keys = {{"p50", pt_source ? "average" : (r.cold_starts ? "p50 (every invoke cold, init included)" : "warm p50")}};
    if (!pt_source) keys.push_back({"band", "p5 to p95"});
  }
  if (draw_model) keys.push_back({"model", "model's prediction"});
  if (r.limit_ms && kind == DurationKind::kSteady) keys.push_back({"limit", "latency limit"});
  add_mark_keys(r, keys, true);
  return fmt::format("<figure id=\"{}-figure\"><figcaption>{}</figcaption><div class=\"scroll\">{}</div>{}</figure>", id,
                     html_escape(caption), svg, legend(keys));
}

std::string cost_chart(const ResultReport& r) {
  std::vector<int> sizes;
  double top = 0;
  for (const auto& s : r.sizes) {
    sizes.push_back(s.memory_mb);
    if (s.measured()) top = std::max(top, s.cost_per_million);
  }
  const bool draw_model = r.auto_memory && !r.model_curve.empty();
  const MemoryAxis mx = memory_axis(sizes);
  const LinearAxis y = linear_axis(top * 1.08);
  std::string svg = svg_open("cost-chart", "Cost per invocation against memory");
  svg += frame(memory_ticks(mx, sizes), y, "Memory (MB, log scale)", "$ per 1M invocations", true);
  std::vector<std::pair<double, double>> line;
  std::vector<Point> points;
  for (const auto& s : r.sizes) {
    const double px = mx.x(s.memory_mb);
    if (!s.measured()) {
      points.push_back({px, kTop + kPlotH, "failed", s.memory_mb,
                        {format_mb(s.memory_mb), s.infeasible_reason.empty() ? "no successful invoke" : s.infeasible_reason},
                        " infeasible failed", true});
      continue;
    }
    line.emplace_back(px, y_of(s.cost_per_million, y));
    Point p{px, y_of(s.cost_per_million, y), "cost", s.memory_mb, {format_mb(s.memory_mb)}, point_class(r, s), false};
    for (auto& l : cost_lines(s)) p.tip.push_back(std::move(l));
    p.tip.push_back(fmt::format("typical duration {} ms", format_ms(s.typical_ms)));
    if (auto note = size_note(r, s); !note.empty()) p.tip.push_back(note);
    points.push_back(std::move(p));
  }
  if (draw_model) {
    std::vector<std::pair<double, double>> curve;
    for (const auto& c : r.model_curve) {
      if (c.memory_mb < mx.lo || c.memory_mb > mx.hi || c.below_smallest_working_size) continue;
      curve.emplace_back(mx.x(c.memory_mb), y_of(std::min(c.cost * 1e6, y.max), y));
    }
    svg += polyline(curve, "model");
  }
  svg += polyline(line, "line cost");
  for (const auto& p : points) svg += point_svg(p);
  svg += "</svg>";
  std::vector<std::pair<std::string, std::string>> keys = {{"cost", "cost per invocation (axis: per 1M)"}};
  if (draw_model) keys.push_back({"model", "model's prediction"});
  add_mark_keys(r, keys, false);
  return fmt::format(
      "<figure id=\"cost-chart-figure\"><figcaption>Cost per invocation against memory</figcaption><div "
      "class=\"scroll\">{}</div>{}</figure>",
      svg, legend(keys));
}

// Cost against latency: a size is on the Pareto front when no other usable
// size is both cheaper and faster.
std::string pareto_chart(const ResultReport& r) {
  std::vector<const SizeReport*> usable;
  double max_ms = 0, max_cost = 0;
  for (const auto& s : r.sizes) {
    if (!s.measured() || !s.feasible) continue;
    usable.push_back(&s);
    max_ms = std::max(max_ms, s.typical_ms);
    max_cost = std::max(max_cost, s.cost_per_million);
  }
  const LinearAxis x = linear_axis(max_ms * 1.08);
  const LinearAxis y = linear_axis(max_cost * 1.08);
  const auto px = [&](double ms) { return kLeft + ms / x.max * kPlotW; };
  std::vector<std::pair<std::string, double>> x_ticks;
  for (double t : x.ticks) x_ticks.emplace_back(tick_label(t), px(t));
  std::string svg = svg_open("pareto-chart", "Cost against duration: the Pareto front");
  svg += frame(x_ticks, y, "Typical duration (ms)", "$ per 1M invocations", true);
  std::vector<const SizeReport*> front;
  for (const SizeReport* a : usable) {
    bool dominated = false;
    for (const SizeReport* b : usable) {
      if (b == a) continue;
      if (b->typical_ms <= a->typical_ms && b->cost_per_million <= a->cost_per_million &&
          (b->typical_ms < a->typical_ms || b->cost_per_million < a->cost_per_million)) {
        dominated = true;
      }
    }
    if (!dominated) front.push_back(a);
  }
  std::sort(front.begin(), front.end(), [](auto* a, auto* b) { return a->typical_ms < b->typical_ms; });
  std::vector<std::pair<double, double>> front_line;
  for (const SizeReport* s : front) front_line.emplace_back(px(s->typical_ms), y_of(s->cost_per_million, y));
  svg += polyline(front_line, "front");
  std::string labels, marks;
  for (const SizeReport* s : usable) {
    const bool on_front = std::find(front.begin(), front.end(), s) != front.end();
    Point p{px(s->typical_ms), y_of(s->cost_per_million, y), "pareto", s->memory_mb, {format_mb(s->memory_mb)},
            point_class(r, *s) + (on_front ? " on-front" : ""), false};
    p.tip.push_back(fmt::format("typical duration {} ms", format_ms(s->typical_ms)));
    for (auto& l : cost_lines(*s)) p.tip.push_back(std::move(l));
    p.tip.push_back(on_front ? "on the Pareto front" : "another size is cheaper and faster");
    if (auto note = size_note(r, *s); !note.empty()) p.tip.push_back(note);
    labels += fmt::format("<text class=\"point-label\" x=\"{}\" y=\"{}\">{}</text>", num(p.x + 8), num(p.y - 8),
                          s->memory_mb);
    marks += point_svg(p);
  }
  svg += labels + marks + "</svg>";
  std::vector<std::pair<std::string, std::string>> keys = {
      {"front", "Pareto front: no other size is both cheaper and faster"}};
  add_mark_keys(r, keys, false);
  std::erase_if(keys, [](const auto& k) { return k.first == "infeasible"; });  // not drawn here
  return fmt::format(
      "<figure id=\"pareto-chart-figure\"><figcaption>Cost against duration (sizes labelled in MB)</figcaption><div "
      "class=\"scroll\">{}</div>{}</figure>",
      svg, legend(keys));
}

// The size a part's share is quoted at: the recommended one, else the one the
// limiting part was named at, else the largest size with parts.
int share_size(const ResultReport& r, const std::vector<int>& sizes) {
  if (r.recommended_mb && std::find(sizes.begin(), sizes.end(), *r.recommended_mb) != sizes.end()) {
    return *r.recommended_mb;
  }
  if (r.limiting_part && std::find(sizes.begin(), sizes.end(), r.limiting_part->memory_mb) != sizes.end()) {
    return r.limiting_part->memory_mb;
  }
  return sizes.empty() ? 0 : sizes.back();
}

// Sizes at which any part was measured, ascending.
std::vector<int> part_sizes(const ResultReport& r) {
  std::vector<int> sizes;
  for (const auto& p : r.parts) {
    for (const auto& s : p.sizes) sizes.push_back(s.memory_mb);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

constexpr int kPartColours = 8;  // .part0 ... .part7 in the style; more parts reuse them

std::string part_label(const PartReport& p, int at_mb) {
  const PartSizeReport* t = p.at(at_mb);
  return t ? fmt::format("{}: {}, {:.0f}% of the time at {}", p.name, p.description, t->share * 100, format_mb(at_mb))
           : fmt::format("{}: {}", p.name, p.description);
}

// Where the time goes: each top-level part's p50 stacked at each size (nested
// parts lie inside one of them, so stacking them too would count time twice).
std::string parts_chart(const ResultReport& r) {
  const std::vector<int> sizes = part_sizes(r);
  std::vector<const PartReport*> stacked;
  for (const auto& p : r.parts) {
    if (p.top_level) stacked.push_back(&p);
  }
  double top = 0;
  for (int mb : sizes) {
    double total = 0;
    for (const PartReport* p : stacked) {
      if (const PartSizeReport* t = p->at(mb)) total += t->p50_ms;
    }
    top = std::max(top, total);
  }
  const MemoryAxis mx = memory_axis(sizes);
  const LinearAxis y = linear_axis(top * 1.08);
  std::string svg = svg_open("parts-chart", "Where the time goes: each part's p50 stacked, against memory");
  svg += frame(memory_ticks(mx, sizes), y, "Memory (MB, log scale)", "p50 of each part (ms)", false);
  // Bars as wide as the closest two sizes allow.
  double gap = kPlotW / 3;
  for (size_t i = 1; i < sizes.size(); ++i) gap = std::min(gap, mx.x(sizes[i]) - mx.x(sizes[i - 1]));
  const double width = std::clamp(gap * 0.6, 8.0, 64.0);
  const int at_mb = share_size(r, sizes);
  std::string bars, tips;
  for (int mb : sizes) {
    const double cx = mx.x(mb);
    double base = 0;
    for (size_t i = 0; i < stacked.size(); ++i) {
      const PartReport& p = *stacked[i];
      const PartSizeReport* t = p.at(mb);
      if (t == nullptr) continue;
      const double y0 = y_of(base, y);
      const double y1 = y_of(base + t->p50_ms, y);
      base += t->p50_ms;
      const std::vector<std::string> tip = {
          p.name,
          fmt::format("{}: p50 {} ms, p95 {} ms", format_mb(mb), format_ms(t->p50_ms), format_ms(t->p95_ms)),
          fmt::format("{:.0f}% of the time at this size ({} invokes)", t->share * 100, t->samples),
          "memory: " + p.description};
      // The browser's own tooltip (<title>), not the other charts' drawn tips: bars
      // stand side by side and SVG paints in order, so a drawn tip would hide under
      // the next size's bar.
      std::string title;
      for (const auto& line : tip) title += (title.empty() ? "" : "\n") + line;
      bars += fmt::format(
          "<g class=\"seg part{}{}\" tabindex=\"0\" data-part=\"{}\" data-memory=\"{}\">"
          "<title>{}</title><rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></g>",
          i % kPartColours, r.recommended_mb == mb ? " recommended" : "", html_escape(p.name), mb, html_escape(title),
          num(cx - width / 2), num(y1), num(width), num(std::max(0.0, y0 - y1)));
    }
    if (r.recommended_mb == mb) {
      bars += fmt::format("<text class=\"rec-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">recommended</text>",
                          num(cx), num(y_of(base, y) - 6));
    }
  }
  svg += bars + "</svg>";
  std::vector<std::pair<std::string, std::string>> keys;
  for (size_t i = 0; i < stacked.size(); ++i) {
    keys.push_back({fmt::format("part{}", i % kPartColours), part_label(*stacked[i], at_mb)});
  }
  return fmt::format(
      "<figure id=\"parts-chart-figure\"><figcaption>Where the time goes: each part's p50 against memory "
      "(stacked)</figcaption><div class=\"scroll\">{}</div>{}</figure>",
      svg, legend(keys));
}

// Every part, nested ones too, with its p50 and p95 at each size.
std::string parts_table(const ResultReport& r) {
  const std::vector<int> sizes = part_sizes(r);
  const int at_mb = share_size(r, sizes);
  std::string out = "<div class=\"scroll\"><table id=\"parts\"><thead><tr><th scope=\"col\">Part</th>";
  for (int mb : sizes) out += fmt::format("<th scope=\"col\">{}<br>p50 / p95 ms</th>", format_mb(mb));
  out += fmt::format("<th scope=\"col\">share at {}</th><th scope=\"col\">memory</th></tr></thead><tbody>",
                     format_mb(at_mb));
  for (const auto& p : r.parts) {
    out += fmt::format("<tr class=\"{}\" data-part=\"{}\"><th scope=\"row\">{}{}</th>", p.top_level ? "" : "nested",
                       html_escape(p.name), p.top_level ? "" : "↳ ", html_escape(p.name));
    for (int mb : sizes) {
      const PartSizeReport* t = p.at(mb);
      out += t ? fmt::format("<td>{} / {}</td>", format_ms(t->p50_ms), format_ms(t->p95_ms)) : "<td>–</td>";
    }
    const PartSizeReport* t = p.at(at_mb);
    out += fmt::format("<td>{}</td><td>{}</td></tr>", t ? fmt::format("{:.0f}%", t->share * 100) : "–",
                       html_escape(p.description));
  }
  return out + "</tbody></table></div>";
}

// Escaped text in which Markdown's backticks (part names in the tuner's sentences)
// become <code>; a lone backtick stays text.
std::string html_with_code(const std::string& text) {
  std::string out;
  const auto pieces = util::split(text, '`');
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool code = i % 2 == 1 && i + 1 < pieces.size();
    out += code ? "<code>" + html_escape(pieces[i]) + "</code>" : html_escape((i % 2 == 1 ? "`" : "") + pieces[i]);
  }
  return out;
}

std::string parts_section(const ResultReport& r) {
  if (r.parts.empty()) return "";
  std::string out = "<h2 id=\"where-the-time-goes\">Where the time goes (X-Ray subsegments)</h2>\n";
  if (r.limiting_part && !r.limiting_part->sentence.empty()) {
    const std::string& sentence = r.limiting_part->sentence;
    out += "<p id=\"limiting-part\">" + html_with_code(sentence) + (sentence.ends_with('.') ? "" : ".") + "</p>\n";
  }
  out += parts_chart(r) + "<figure id=\"parts-table-figure\"><figcaption>Each part at each size; nested parts (↳) "
         "lie inside the part above them</figcaption>" + parts_table(r) + "</figure>\n";
  return out;
}

std::string stats_table(const ResultReport& r) {
  const bool pt = r.source == ResultSource::kPowerTuning;
  std::string out = "<div class=\"scroll\"><table id=\"statistics\"><thead><tr>";
  const std::vector<std::string> heads =
      pt ? std::vector<std::string>{"Memory", "Average ms", "$ per invocation", "$ per 1M", "Note"}
         : std::vector<std::string>{"Memory", "OK",     "avg ms", "p5",      "p50",     "p90",     "p95",
                                    "p99",    "±95%",   "cold p50", "init ms", "CPU ms", "max MB", "$ per invocation",
                                    "$ per 1M", "Note"};
  for (const auto& h : heads) out += "<th scope=\"col\">" + html_escape(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& s : r.sizes) {
    std::string cls = point_class(r, s);
    out += fmt::format("<tr class=\"{}\" data-memory=\"{}\"><th scope=\"row\">{}</th>", cls, s.memory_mb,
                       format_mb(s.memory_mb));
    const std::string note = html_escape(size_note(r, s));
    if (!s.measured()) {
      out += fmt::format("<td class=\"note\" colspan=\"{}\">{}</td></tr>", heads.size() - 1,
                       note.empty() ? "no successful invoke" : note);
      continue;
    }
    const SampleStats& d = r.steady(s);
    if (pt) {
      out += fmt::format("<td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td></tr>", format_ms(d.mean),
                         format_cost(s.cost_per_invocation), s.cost_per_million, note);
      continue;
    }
    out += fmt::format(
        "<td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td></tr>",
        s.successes, s.invocations, format_ms(s.typical_ms), format_ms(d.p5), format_ms(d.p50), format_ms(d.p90),
        format_ms(d.p95), format_ms(d.p99), format_ms((d.ci95_high - d.ci95_low) / 2),
        s.cold.count ? format_ms(s.cold.p50) : "–", s.init.count ? format_ms(s.init.mean) : "–",
        format_ms(s.cpu.trimmed_mean), s.max_memory_used_mb, format_cost(s.cost_per_invocation), s.cost_per_million,
        note);
  }
  out += "</tbody></table></div>";
  return out;
}

constexpr const char* kStyle = R"CSS(
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1c2230;--muted:#5b6474;--grid:#e4e7ec;--panel:#f6f7f9;
--p50:#2563eb;--band:rgba(37,99,235,.16);--cold:#c2410c;--coldband:rgba(194,65,12,.14);--cost:#047857;
--model:#7c3aed;--limit:#dc2626;--bad:#dc2626;--rec:#d97706;--front:#0e7490;--tipbg:#111827;--tipfg:#f9fafb;
--part0:#2563eb;--part1:#ea580c;--part2:#059669;--part3:#9333ea;--part4:#0891b2;--part5:#ca8a04;--part6:#db2777;
--part7:#64748b}
@media (prefers-color-scheme:dark){:root{--bg:#0f1318;--fg:#e6e9ef;--muted:#9aa3b2;--grid:#272d36;--panel:#171c23;
--p50:#60a5fa;--band:rgba(96,165,250,.20);--cold:#fb923c;--coldband:rgba(251,146,60,.16);--cost:#34d399;
--model:#c4b5fd;--limit:#f87171;--bad:#f87171;--rec:#fbbf24;--front:#22d3ee;--tipbg:#f3f4f6;--tipfg:#111827;
--part0:#60a5fa;--part1:#fb923c;--part2:#34d399;--part3:#c084fc;--part4:#22d3ee;--part5:#facc15;--part6:#f472b6;
--part7:#94a3b8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1180px;padding:16px;background:var(--bg);color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
h1{font-size:1.45em;margin:.2em 0;overflow-wrap:anywhere}h2{font-size:1.15em;margin:1.4em 0 .4em}
.meta,.legend,figcaption,footer{color:var(--muted);font-size:.9em}
.recommendation{background:var(--panel);border-left:4px solid var(--rec);padding:10px 14px;border-radius:6px}
.recommendation p{margin:.2em 0}.recommendation ul{margin:.4em 0;padding-left:1.2em}
.warnings li{color:var(--bad)}
figure{margin:18px 0}figcaption{font-weight:600;color:var(--fg);margin-bottom:4px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:0 28px}
svg.chart{display:block;width:100%;height:auto;font-size:14px}
svg text{fill:var(--fg)}svg .tick{fill:var(--muted)}svg .title{fill:var(--muted)}
.grid{stroke:var(--grid);stroke-width:1}.axis{stroke:var(--muted);stroke-width:1}
.band{fill:var(--band);stroke:none}.band.cold{fill:var(--coldband)}
.line{fill:none;stroke-width:2.2}.line.p50{stroke:var(--p50)}.line.cold{stroke:var(--cold)}.line.cost{stroke:var(--cost)}
.model{fill:none;stroke:var(--model);stroke-width:1.6;stroke-dasharray:6 4}
.line.before{stroke:var(--model);stroke-dasharray:6 4}.pt[data-series=before] .mark{fill:var(--model)}
.front{fill:none;stroke:var(--front);stroke-width:2;stroke-dasharray:2 3}
.limit{stroke:var(--limit);stroke-width:1.6;stroke-dasharray:8 4}.limit-label{fill:var(--limit)}
.point-label{fill:var(--muted);font-size:13px}
.pt{cursor:default;outline:none}.pt .mark{stroke:var(--bg);stroke-width:1.5}
.pt[data-series=p50] .mark{fill:var(--p50)}.pt[data-series=cold] .mark{fill:var(--cold)}
.pt[data-series=cost] .mark{fill:var(--cost)}.pt[data-series=model] .mark{fill:var(--model)}.pt[data-series=pareto] .mark{fill:var(--muted)}
.pt.on-front .mark{fill:var(--front)}
.pt.capped .mark{fill:var(--bg);stroke:currentColor;stroke-width:2;stroke-dasharray:3 2}
.pt[data-series=p50].capped{color:var(--p50)}.pt[data-series=cold].capped{color:var(--cold)}
.pt[data-series=cost].capped{color:var(--cost)}.pt[data-series=pareto].capped{color:var(--muted)}
.pt.infeasible .mark{fill:var(--bad);stroke:var(--bad)}
.halo{fill:none;stroke:var(--rec);stroke-width:3}
.seg{outline:none}.seg .bar{stroke:var(--bg);stroke-width:1}.seg:hover .bar,.seg:focus .bar{stroke:var(--fg);stroke-width:2}
.rec-label{fill:var(--rec);font-size:13px;font-weight:600}
.part0 .bar,.key.part0{fill:var(--part0);background:var(--part0)}.part1 .bar,.key.part1{fill:var(--part1);background:var(--part1)}
.part2 .bar,.key.part2{fill:var(--part2);background:var(--part2)}.part3 .bar,.key.part3{fill:var(--part3);background:var(--part3)}
.part4 .bar,.key.part4{fill:var(--part4);background:var(--part4)}.part5 .bar,.key.part5{fill:var(--part5);background:var(--part5)}
.part6 .bar,.key.part6{fill:var(--part6);background:var(--part6)}.part7 .bar,.key.part7{fill:var(--part7);background:var(--part7)}
tr.nested th{color:var(--muted);font-weight:400}#parts-chart-figure{max-width:680px}
.pt:hover .mark,.pt:focus .mark{stroke:var(--fg);stroke-width:2.5}
.tip{display:none;pointer-events:none}.pt:hover .tip,.pt:focus .tip{display:inline}
.tip rect{fill:var(--tipbg);opacity:.95}.tip text{fill:var(--tipfg);font-size:13px}.tip text.head{font-weight:700}
.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px}
.key{display:inline-block;width:18px;height:10px;margin-right:6px;vertical-align:middle;border-radius:2px}
.key.p50{background:var(--p50)}.key.cold{background:var(--cold)}.key.band{background:var(--band)}
.key.band.cold{background:var(--coldband)}.key.cost{background:var(--cost)}
.key.model,.key.before{border-top:2px dashed var(--model);height:0}.key.limit{border-top:2px dashed var(--limit);height:0}
.key.front{border-top:2px dotted var(--front);height:0}.key.recommended{border:3px solid var(--rec);border-radius:50%;width:12px;height:12px}
.key.capped{border:2px dashed var(--muted);border-radius:50%;width:11px;height:11px}
.key.infeasible{background:var(--bad);transform:rotate(45deg);width:9px;height:9px}
table{border-collapse:collapse;font-size:.88em;font-variant-numeric:tabular-nums;white-space:nowrap}
th,td{padding:4px 6px;border-bottom:1px solid var(--grid);text-align:right}
thead th{position:sticky;top:0;background:var(--bg)}td:last-child,td.note{text-align:left;white-space:normal;min-width:8em}
tr.recommended{background:color-mix(in srgb,var(--rec) 16%,transparent)}tr.infeasible td:last-child{color:var(--bad)}
tr.capped td:last-child{color:var(--muted)}
a{color:var(--p50)}code{overflow-wrap:anywhere}
/* A phone shows a chart at about half its drawn size: larger text keeps it readable. */
@media (max-width:600px){body{padding:10px;font-size:14px}h1{font-size:1.25em}
svg .tick,svg .title,svg .limit-label,svg .point-label,svg .rec-label{font-size:20px}}
)CSS";

}  // namespace

std::string series_chart(std::string_view id, std::string_view caption, std::string_view y_title, ValueUnit unit,
                         const std::vector<ChartSeries>& series) {
  std::vector<int> sizes;
  double top = 0;
  for (const auto& one : series) {
    for (const auto& [mb, v] : one.points) {
      sizes.push_back(mb);
      top = std::max(top, v);
    }
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  const MemoryAxis mx = memory_axis(sizes);
  const LinearAxis y = linear_axis(top * 1.08);
  const bool dollars = unit == ValueUnit::kDollars;
  std::string svg = svg_open(id, caption);
  svg += frame(memory_ticks(mx, sizes), y, "Memory (MB, log scale)", y_title, dollars);
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& one : series) {
    std::vector<std::pair<double, double>> line;
    std::string marks;
    for (const auto& [mb, v] : one.points) {
      const double px = mx.x(mb);
      const double py = y_of(v, y);
      line.emplace_back(px, py);
      const std::string value = dollars ? fmt::format("${:.2f} per 1M", v) : fmt::format("{} ms", format_ms(v));
      marks += point_svg({px, py, one.css_class, mb, {one.name + ": " + format_mb(mb), value}, "", false});
    }
    svg += polyline(line, "line " + one.css_class) + marks;
    keys.emplace_back(one.css_class, one.name);
  }
  svg += "</svg>";
  return fmt::format("<figure id=\"{}-figure\"><figcaption>{}</figcaption><div class=\"scroll\">{}</div>{}</figure>", id,
                     html_escape(caption), svg, legend(keys));
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_page(std::string_view title, std::string_view body) {
  // The policy forbids every fetch and every script: the page is what the file holds.
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
      html_escape(title), kStyle, body);
}

std::string render_html(const ResultReport& r) {
  std::string body = fmt::format("<header><h1>Memory tuning: {}</h1><p class=\"meta\">{}{}{}</p></header>\n",
                                 html_escape(r.function_label()), html_escape(r.backend),
                                 r.num > 0 ? fmt::format(" · {} invokes per size", r.num) : std::string(),
                                 r.region.empty() ? std::string()
                                                  : html_escape(fmt::format(" · priced for {} {}", r.region,
                                                                            r.architecture)));
  body += "<section class=\"recommendation\" id=\"recommendation\"><p><strong>Recommendation:</strong> " +
          html_escape(r.headline.empty() ? "no size recommended." : r.headline) + "</p>";
  if (!r.reasoning.empty()) {
    body += "<ul>";
    for (const auto& line : r.reasoning) body += "<li>" + html_with_code(line) + "</li>";
    body += "</ul>";
  }
  if (!r.warnings.empty()) {
    body += "<ul class=\"warnings\">";
    for (const auto& line : r.warnings) body += "<li>" + html_escape(line) + "</li>";
    body += "</ul>";
  }
  body += "</section>\n";
  bool any_cold = false;
  for (const auto& s : r.sizes) any_cold |= s.cold.count > 0;
  body += "<h2>Duration</h2>\n<div class=\"charts\">";
  body += duration_chart(r, DurationKind::kSteady, "duration-chart",
                         r.source == ResultSource::kPowerTuning ? "Average duration against memory"
                         : r.cold_starts ? "Duration against memory (every invoke a cold start, init included)"
                                         : "Warm duration against memory");
  if (any_cold && !r.cold_starts) {
    body += duration_chart(r, DurationKind::kCold, "cold-chart", "Cold starts against memory (init included)");
  }
  body += "</div>\n<h2>Cost</h2>\n<div class=\"charts\">" + cost_chart(r) + pareto_chart(r) + "</div>\n";
  body += parts_section(r);
  body += "<h2>Statistics</h2>\n" + stats_table(r);
  body += "<footer><p>";
  if (!r.visualization_url.empty()) {
    body += fmt::format("<a href=\"{}\" rel=\"noreferrer\">Open these averages on lambda-power-tuning.show</a> "
                        "(an external site: the numbers travel in the link, after the #). ",
                        html_escape(r.visualization_url));
  }
  if (r.source == ResultSource::kSweetspot) {
    body += html_escape(fmt::format(
        "Durations: {}; avg is the trimmed mean (discarding {:.0f}% at each end); ±95% is the half-width of the 95% "
        "confidence interval of the mean; costs include the request charge. {} invokes in this run, {} on Lambda.",
        r.cold_starts ? "every invoke cold, init included" : "warm invokes (cold starts charted apart)",
        r.discard_top_bottom * 100, r.invocations, format_cost(r.lambda_cost)));
  } else {
    body += "From AWS Lambda Power Tuning's result: averages only, no percentiles or noise.";
  }
  body += "</p></footer>";
  return html_page("sweetspot: " + r.function_label(), body);
}

}  // namespace sweetspot::report
