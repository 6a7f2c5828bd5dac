#include "report/table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report/explain.h"
#include "tuner/testing/fake_backend.h"

namespace sweetspot::report {
namespace {

tuner::TuneResult run(tuner::Plan plan, tuner::testing::Curve curve) {
  tuner::testing::FakeBackend backend(curve);
  const auto prices = tuner::PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value();
  tuner::TuneResult r = tuner::tune(backend, plan, prices, nullptr).value();
  explain(r);
  return r;
}

std::string row_of(const std::string& table, const std::string& size) {
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(" " + size + " MB") != std::string::npos) return line;
  }
  return "";
}

TEST(Table, MarksRecommendedUnusableAndHostCappedSizes) {
  tuner::testing::Curve c;
  c.serial_cpu_ms = 100;
  c.working_set_mb = 200;
  c.host_cores = 2;
  tuner::Plan plan;
  plan.memory_sizes = {128, 1769, 10240};
  plan.num = 3;
  const tuner::TuneResult r = run(plan, c);
  const std::string table = render_table(r);
  ASSERT_NE(r.recommended(), nullptr);
  EXPECT_EQ(row_of(table, "128")[0], '!');
  // The first out-of-memory stops the size: more invokes cannot make it fit.
  EXPECT_NE(row_of(table, "128").find("out of memory in 1 of 1 invokes"), std::string::npos);
  EXPECT_EQ(row_of(table, "1,769")[0], '*');
  EXPECT_EQ(row_of(table, "10,240")[0], '~');
}

TEST(Table, ReportCarriesTheRecommendationAndPrices) {
  tuner::testing::Curve c;
  c.wait_ms = 100;
  c.serial_cpu_ms = 10;
  tuner::Plan plan;
  plan.num = 3;
  const tuner::TuneResult r = run(plan, c);
  std::ostringstream out;
  write_report(out, r);
  EXPECT_NE(out.str().find("Recommendation: " + r.headline), std::string::npos);
  EXPECT_NE(out.str().find("Prices: us-east-1 x86_64"), std::string::npos);
  EXPECT_NE(out.str().find("I/O-bound"), std::string::npos) << out.str();
}

TEST(Table, AutoSearchShowsPredictedBesideMeasured) {
  tuner::testing::Curve c;
  c.serial_cpu_ms = 200;
  tuner::Plan plan;
  plan.selection = tuner::SizeSelection::kAuto;
  plan.num = 3;
  std::ostringstream out;
  write_report(out, run(plan, c));
  EXPECT_NE(out.str().find("predicted ms"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("first spread over the range"), std::string::npos);
}

}  // namespace
}  // namespace sweetspot::report
