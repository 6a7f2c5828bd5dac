// Tuning results made by the real tuner over the fake backend, read back the
// way `sweetspot report` reads a file: for the report layer's tests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/json_result.h"
#include "report/result_model.h"
#include "tuner/testing/fake_backend.h"
#include "tuner/tuner.h"

namespace sweetspot::report::testing {

inline tuner::TuneResult tune_fake(tuner::Plan plan, tuner::testing::Curve curve, std::string function = "my-fn",
                                   uint64_t seed = 1) {
  tuner::testing::FakeBackend backend(curve, seed);
  const auto prices = tuner::PriceTable::builtin()->lookup("us-east-1", engine::Architecture::kX86_64).value();
  tuner::TuneResult r = tuner::tune(backend, plan, prices, nullptr).value();
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

inline ResultReport reread(const tuner::TuneResult& r, std::string origin = "result.json") {
  return read_result(nlohmann::json::parse(to_json(r).dump()), origin).value();
}

}  // namespace sweetspot::report::testing
