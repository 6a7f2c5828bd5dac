// HTML, Markdown, CSV and the terminal chart, each parsed back and checked
// against the JSON they were rendered from. (The HTML is also opened in real
// Chromium by tests/browser.)
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "report/csv.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/terminal_chart.h"
#include "report/testing/markdown_table.h"
#include "report/testing/sample_results.h"
#include "report/text_format.h"
#include "util/strings.h"

namespace sweetspot::report {
namespace {

using nlohmann::json;
using testing::noisy_cpu_curve;
using testing::plan_of;
using testing::tune_fake;

// RFC 4180, read independently of the writer: quoted fields, doubled quotes, CRLF.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      EXPECT_NE(c, '\n') << "a bare LF outside quotes at " << i;
      rows.back().back() += c;
    }
  }
  EXPECT_TRUE(rows.back().size() == 1 && rows.back()[0].empty()) << "the last record ends with CRLF";
  rows.pop_back();
  return rows;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

struct Sample {
  tuner::TuneResult result;
  json doc;
  ResultReport model;
};

Sample sample(std::string function = "my-fn", tuner::Plan plan = plan_of({128, 512, 1024, 4096})) {
  Sample s{tune_fake(plan, noisy_cpu_curve(), std::move(function)), {}, {}};
  s.doc = to_json(s.result);
  s.model = read_result(s.doc, "result.json").value();
  return s;
}

TEST(Csv, OneRowPerSizeWithEveryStatisticReadsBackAsTheJson) {
  const Sample s = sample("fn, \"quoted\"\nand a line");
  const auto rows = parse_csv(render_csv(s.model));
  ASSERT_EQ(rows.size(), 1 + s.doc["sweetspot"]["sizes"].size());
  const auto& header = rows[0];
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<size_t>(it - header.begin());
  };
  for (const auto& row : rows) ASSERT_EQ(row.size(), header.size());
  for (size_t i = 1; i < rows.size(); ++i) {
    const json& size = s.doc["sweetspot"]["sizes"][i - 1];
    const auto& row = rows[i];
    EXPECT_EQ(row[column("function")], "fn, \"quoted\"\nand a line");
    EXPECT_EQ(std::stoi(row[column("memory_mb")]), size["memoryMb"].get<int>());
    EXPECT_EQ(row[column("feasible")], size["feasible"].get<bool>() ? "true" : "false");
    EXPECT_EQ(row[column("recommended")], size["memoryMb"] == s.doc["power"] ? "true" : "false");
    if (size["successes"].get<int>() == 0) {
      EXPECT_EQ(row[column("duration_ms_p95")], "");
      EXPECT_EQ(row[column("infeasible_reason")], size["infeasibleReason"].get<std::string>());
      continue;
    }
    for (const char* stat : {"p5", "p50", "p90", "p95", "p99", "mean", "trimmedMean", "stddev"}) {
      std::string csv_stat = stat == std::string("trimmedMean") ? "trimmed_mean" : stat;
      EXPECT_EQ(std::stod(row[column("warm_duration_ms_" + csv_stat)]), size["warmDurationMs"][stat].get<double>())
          << stat;
      EXPECT_EQ(std::stod(row[column("cpu_time_ms_" + csv_stat)]), size["cpuTimeMs"][stat].get<double>()) << stat;
    }
    EXPECT_EQ(std::stod(row[column("duration_ms_ci95_low")]), size["durationMs"]["ci95"][0].get<double>());
    EXPECT_EQ(std::stod(row[column("cost_per_invocation_usd")]), size["costPerInvocation"]["total"].get<double>());
    EXPECT_EQ(std::stod(row[column("cost_per_million_usd")]), size["costPerMillion"].get<double>());
    EXPECT_EQ(std::stoi(row[column("cold_duration_ms_count")]), size["coldDurationMs"]["count"].get<int>());
  }
}

// The lines of every ```mermaid block.
std::vector<std::vector<std::string>> mermaid_blocks(const std::string& md) {
  std::vector<std::vector<std::string>> blocks;
  std::istringstream in(md);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "```mermaid") {
      EXPECT_FALSE(inside);
      inside = true;
      blocks.emplace_back();
    } else if (line == "```") {
      EXPECT_TRUE(inside);
      inside = false;
    } else if (inside) {
      blocks.back().push_back(line);
    }
  }
  EXPECT_FALSE(inside) << "an unclosed block";
  return blocks;
}

std::vector<double> numbers_in_brackets(const std::string& line) {
  const auto open = line.find('['), close = line.rfind(']');
  EXPECT_NE(open, std::string::npos) << line;
  EXPECT_EQ(close, line.size() - 1) << line;
  std::vector<double> out;
  std::string item;
  std::istringstream in(line.substr(open + 1, close - open - 1));
  while (std::getline(in, item, ',')) {
    std::string t = std::string(util::trim(item));
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    size_t used = 0;
    out.push_back(std::stod(t, &used));
    EXPECT_EQ(used, t.size()) << "not a number: " << t;
  }
  return out;
}

TEST(Markdown, SentenceTableMermaidAndLinkAgreeWithTheJson) {
  const Sample s = sample("fn|with<html>");
  const std::string md = render_markdown(s.model);
  EXPECT_NE(md.find("**Recommendation:** " + markdown_escape(s.doc["sweetspot"]["recommendation"]["headline"].get<std::string>())),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("fn\\|with&lt;html&gt;"), std::string::npos);
  EXPECT_EQ(md.find("<html>"), std::string::npos);
  EXPECT_NE(md.find("(" + s.doc["stateMachine"]["visualization"].get<std::string>() + ")"), std::string::npos);

  // The table: one row per size, the p95 column as the JSON says.
  auto rows = testing::markdown_rows(md);
  std::erase_if(rows, [](const auto& row) { return row.empty() || row[0] == "Memory"; });
  const json& sizes = s.doc["sweetspot"]["sizes"];
  ASSERT_EQ(rows.size(), sizes.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0], format_mb(sizes[i]["memoryMb"].get<int>()));
    if (sizes[i]["successes"] == 0) {
      EXPECT_NE(rows[i].back().find("not usable"), std::string::npos);
      continue;
    }
    EXPECT_EQ(rows[i][2], format_ms(sizes[i]["warmDurationMs"]["p95"].get<double>()));
    if (sizes[i]["memoryMb"] == s.doc["power"]) {
      EXPECT_EQ(rows[i].back(), "**recommended**");
    }
  }

  // Two xychart-beta blocks, well formed: one value per measured size, all within the y axis.
  const auto blocks = mermaid_blocks(md);
  ASSERT_EQ(blocks.size(), 2u);
  size_t measured = 0;
  for (const auto& size : sizes) measured += size["successes"].get<int>() > 0;
  for (const auto& block : blocks) {
    ASSERT_GE(block.size(), 5u);
    EXPECT_EQ(block[0], "xychart-beta");
    EXPECT_TRUE(std::regex_match(block[1], std::regex(R"(  title "[^"]*")"))) << block[1];
    EXPECT_TRUE(std::regex_match(block[2], std::regex(R"(  x-axis "[^"]*" \[.*\])"))) << block[2];
    std::smatch y;
    ASSERT_TRUE(std::regex_match(block[3], y, std::regex(R"(  y-axis "[^"]*" 0 --> ([0-9.]+))"))) << block[3];
    const double top = std::stod(y[1]);
    const auto x = numbers_in_brackets(block[2]);
    EXPECT_EQ(x.size(), measured);
    for (size_t i = 4; i < block.size(); ++i) {
      EXPECT_TRUE(block[i].starts_with("  line [") || block[i].starts_with("  bar [")) << block[i];
      const auto values = numbers_in_brackets(block[i]);
      EXPECT_EQ(values.size(), x.size());
      for (double v : values) EXPECT_LE(v, top);
    }
  }
}

TEST(Html, OnePointPerMeasuredSizeEscapedTextAndNothingExternal) {
  const Sample s = sample("<script>alert('x')</script>");
  const std::string html = render_html(s.model);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  size_t measured = 0, failed = 0;
  for (const auto& size : s.model.sizes) (size.measured() ? measured : failed)++;
  EXPECT_EQ(count(html, "data-series=\"p50\""), measured);
  EXPECT_EQ(count(html, "data-series=\"cost\""), measured);
  EXPECT_EQ(count(html, "data-series=\"cold\""), measured);
  EXPECT_EQ(count(html, "data-series=\"failed\""), 2 * failed);  // duration and cost charts
  EXPECT_EQ(count(html, "class=\"halo\""), 4u);  // recommended in the warm, cold, cost and Pareto charts
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(count(html, "src="), 0u);
  EXPECT_EQ(count(html, "url("), 0u);
  EXPECT_EQ(count(html, "@import"), 0u);
}

TEST(Html, LatencyLimitAndModelCurveForAuto) {
  tuner::Plan plan;
  plan.selection = tuner::SizeSelection::kAuto;
  plan.num = 3;
  plan.strategy.limit = tuner::LatencyLimit{150, 95};
  const ResultReport m = testing::reread(tune_fake(plan, noisy_cpu_curve()));
  const std::string html = render_html(m);
  EXPECT_NE(html.find("class=\"limit\""), std::string::npos);
  EXPECT_NE(html.find("limit: p95 ≤ 150.0 ms"), std::string::npos);
  EXPECT_NE(html.find("<polyline class=\"model\""), std::string::npos);
}

TEST(TerminalChart, ARowPerSizeScaledToTheLargest) {
  const Sample s = sample();
  const std::string chart = render_terminal_chart(s.model, 20);
  EXPECT_EQ(count(chart, "\n"), 1 + s.model.sizes.size());
  EXPECT_EQ(count(chart, "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
                         "\u2588\u2588\u2588\u2588\u2588"),
            2u)  // the slowest size's duration bar and the dearest size's cost bar are full
      << chart;
  EXPECT_NE(chart.find("out of memory"), std::string::npos);
  const std::string summary = render_terminal_summary(s.model);
  EXPECT_NE(summary.find(s.model.visualization_url), std::string::npos);
  EXPECT_NE(summary.find("Recommendation: " + s.model.headline), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::report
