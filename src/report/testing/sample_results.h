// Tuning results made by the real tuner over the fake backend, read back the
// way `sweetspot report` reads a file: for the report layer's tests.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/explain.h"
#include "report/json_result.h"
#include "report/result_model.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace sweetspot::report::testing {

inline tuner::TuneResult tune_fake(tuner::Plan plan, tuner::testing::Curve curve, std::string function = "my-fn",
                                   uint64_t seed = 1) {
  tuner::testing::FakeBackend backend(curve, seed);
  const auto prices = tuner::PriceTable::builtin()->lookup("us-east-1", engine_api::Architecture::kX86_64).value();
  tuner::TuneResult r = tuner::tune(backend, plan, prices, nullptr).value();
  explain(r);
  r.function = std::move(function);
  return r;
}

// A CPU-bound function with noise; out of memory at 128 MB.
inline tuner::testing::Curve noisy_cpu_curve() {
  tuner::testing::Curve c;
  c.wait_ms = 20;
  c.serial_cpu_ms = 150;
  c.working_set_mb = 150;
  c.init_ms = 120;
  c.noise = 0.04;
  c.host_cores = 2;
  return c;
}

inline tuner::Plan plan_of(std::vector<int> sizes, int num = 8, std::string payload = "{}") {
  tuner::Plan plan;
  plan.memory_sizes = std::move(sizes);
  plan.num = num;
  plan.payloads = {tuner::WeightedPayload{payload, 1}};
  return plan;
}

// Gives a tuned result the X-Ray parts a function with a download that waits
// (100 ms at every size, holding a nested `## s3.get_object`), a resize that
// burns 40 ms of one vCPU, and a little untraced time would have sent; fitted
// by the real tuner::fit_parts.
inline void add_trace_parts(tuner::TuneResult& r) {
  std::vector<tuner::SizeParts> sizes;
  for (auto& s : r.sizes) {
    if (s.successes == 0) continue;
    const double share = std::min(s.memory_mb / 1769.0, 1.0);
    const double total = 100 + 40 / share + 5;
    const auto part = [&](std::string name, double ms, bool top_level) {
      return tuner::PartTiming{std::move(name), top_level, s.successes, ms, ms * 1.1, ms, ms / total};
    };
    s.parts = {part("download", 100, true), part("resize", 40 / share, true), part(tuner::kUntracedPart, 5, true),
               part("## s3.get_object", 90, false)};
    sizes.push_back({s.memory_mb, s.parts});
  }
  r.trace_parts = tuner::fit_parts(sizes);
  // As tune() does: the recommendation names the part that limits it.
  if (const tuner::SizeResult* chosen = r.recommended()) {
    if (auto sentence = tuner::limiting_part_sentence(r.trace_parts, chosen->memory_mb); !sentence.empty()) {
      r.reasoning.push_back(std::move(sentence));
    }
  }
}

inline ResultReport reread(const tuner::TuneResult& r, std::string origin = "result.json") {
  return read_result(nlohmann::json::parse(to_json(r).dump()), origin).value();
}

}  // namespace sweetspot::report::testing
