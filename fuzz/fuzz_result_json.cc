// Saved results as `sweetspot report` and `compare` read them (sweetspot's
// --json or Power Tuning's output, both outside input), then every renderer
// over what was read, and the result compared with itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "report/compare.h"
#include "report/csv.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/result_model.h"
#include "report/terminal_chart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  auto result = sweetspot::report::read_result(doc, "fuzz.json");
  if (!result) return 0;
  (void)sweetspot::report::render_html(*result);
  (void)sweetspot::report::render_markdown(*result);
  (void)sweetspot::report::render_csv(*result);
  (void)sweetspot::report::render_terminal_summary(*result);
  sweetspot::report::CompareOptions options;
  options.max_duration_increase = 10;
  options.max_cost_increase = 10;
  if (auto c = sweetspot::report::compare(*result, *result, options)) {
    (void)sweetspot::report::render_comparison_text(*c);
    (void)sweetspot::report::render_comparison_markdown(*c);
    (void)sweetspot::report::render_comparison_html(*c);
  }
  return 0;
}
