// The X-Ray trace parts in the HTML and Markdown reports, read back and
// checked against the result JSON they were rendered from.
#include <gtest/gtest.h>

#include <regex>

#include <fmt/format.h>

#include "report/html.h"
#include "report/markdown.h"
#include "report/testing/markdown_table.h"
#include "report/testing/sample_results.h"
#include "report/text_format.h"

namespace sweetspot::report {
namespace {

using nlohmann::json;

struct PartsSample {
  json doc;
  ResultReport model;
};

PartsSample parts_sample(std::string function = "my-fn") {
  tuner::TuneResult r =
      testing::tune_fake(testing::plan_of({256, 512, 1024, 2048}, 4), testing::noisy_cpu_curve(), std::move(function));
  testing::add_trace_parts(r);
  PartsSample s{to_json(r), {}};
  s.model = read_result(s.doc, "result.json").value();
  return s;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(PartsHtml, OneStackedSegmentPerTopLevelPartPerSizeEachLabelled) {
  const PartsSample s = parts_sample();
  const std::string html = render_html(s.model);
  const json& parts = s.doc["traceParts"]["parts"];
  const int recommended = s.doc["power"].get<int>();
  size_t top_level_segments = 0;
  for (const auto& p : parts) {
    const std::string name = html_escape(p["name"].get<std::string>());
    const size_t drawn = count(html, "data-part=\"" + name + "\" data-memory=");
    if (!p["topLevel"].get<bool>()) {
      EXPECT_EQ(drawn, 0u) << name << ": nested parts are not stacked (their time is inside another part)";
      continue;
    }
    EXPECT_EQ(drawn, p["sizes"].size()) << name;
    top_level_segments += drawn;
    for (const auto& at : p["sizes"]) {
      // Each segment's hover title carries its numbers.
      const std::regex title("data-part=\"" + std::regex_replace(name, std::regex(R"([()#.])"), R"(\$&)") +
                             "\" data-memory=\"" + std::to_string(at["memoryMb"].get<int>()) +
                             "\"><title>[^<]*p50 " + format_ms(at["p50Ms"].get<double>()) + " ms");
      EXPECT_TRUE(std::regex_search(html, title)) << name << " at " << at["memoryMb"];
    }
    // The legend names the part, its verdict and its share at the recommended size.
    double share = 0;
    for (const auto& at : p["sizes"]) {
      if (at["memoryMb"] == recommended) share = at["share"].get<double>();
    }
    const std::string label = fmt::format("{}: {}, {:.0f}% of the time at {}", name,
                                          html_escape(p["description"].get<std::string>()), share * 100,
                                          format_mb(recommended));
    EXPECT_NE(html.find(label), std::string::npos) << label;
  }
  EXPECT_EQ(count(html, "<g class=\"seg "), top_level_segments);
  EXPECT_NE(html.find("id=\"parts-chart\""), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"\" data-part=") + count(html, "<tr class=\"nested\" data-part="), parts.size());
  // The limiting part's sentence, its `name` as code.
  std::string sentence = s.doc["traceParts"]["limitingPart"]["sentence"].get<std::string>();
  const std::string name = s.doc["traceParts"]["limitingPart"]["name"].get<std::string>();
  sentence.replace(sentence.find("`" + name + "`"), name.size() + 2, "<code>" + html_escape(name) + "</code>");
  EXPECT_NE(html.find("<p id=\"limiting-part\">" + sentence), std::string::npos) << sentence;
  // The recommendation's reasons carry the same sentence: no Markdown backtick shows anywhere.
  EXPECT_EQ(html.find('`'), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(PartsHtml, NoPartsNoSection) {
  const ResultReport m = testing::reread(testing::tune_fake(testing::plan_of({512, 1024}, 3), testing::noisy_cpu_curve()));
  const std::string html = render_html(m);
  EXPECT_EQ(html.find("id=\"parts-chart\""), std::string::npos);
  EXPECT_EQ(html.find("Where the time goes"), std::string::npos);
  EXPECT_EQ(render_markdown(m).find("Where the time goes"), std::string::npos);
}

TEST(PartsMarkdown, ATableOfThePartsPerSizeWithVerdicts) {
  const PartsSample s = parts_sample();
  const std::string md = render_markdown(s.model);
  const size_t start = md.find("#### Where the time goes");
  ASSERT_NE(start, std::string::npos) << md;
  EXPECT_NE(md.find(markdown_escape(s.doc["traceParts"]["limitingPart"]["sentence"].get<std::string>()), start),
            std::string::npos);
  const auto rows = testing::markdown_rows(md.substr(start));
  const json& parts = s.doc["traceParts"]["parts"];
  const json& sizes = parts[0]["sizes"];
  ASSERT_EQ(rows.size(), 1 + parts.size());
  ASSERT_EQ(rows[0].size(), 1 + sizes.size() + 2);
  for (size_t j = 0; j < sizes.size(); ++j) EXPECT_EQ(rows[0][1 + j], format_mb(sizes[j]["memoryMb"].get<int>()));
  EXPECT_EQ(rows[0][1 + sizes.size()], "Share at " + format_mb(s.doc["power"].get<int>()));
  for (size_t i = 0; i < parts.size(); ++i) {
    const json& p = parts[i];
    const auto& row = rows[1 + i];
    EXPECT_EQ(row[0], (p["topLevel"].get<bool>() ? "" : "↳ ") + markdown_escape(p["name"].get<std::string>()));
    for (size_t j = 0; j < p["sizes"].size(); ++j) {
      EXPECT_EQ(row[1 + j], format_ms(p["sizes"][j]["p50Ms"].get<double>())) << row[0];
    }
    EXPECT_EQ(row.back(), p["description"].get<std::string>());
  }
}

}  // namespace
}  // namespace sweetspot::report
