#include "tuner/trace_parts.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sweetspot::tuner {
namespace {

using engine_api::Invocation;
using engine_api::SegmentKind;
using engine_api::TraceSegment;

TraceSegment segment(std::string id, std::string parent, std::string name, double start, double ms, bool lambda) {
  TraceSegment s;
  s.kind = parent.empty() ? SegmentKind::kSegment : SegmentKind::kSubsegment;
  s.id = std::move(id);
  s.parent_id = std::move(parent);
  s.name = std::move(name);
  s.trace_id = "1-00000001-000000000000000000000001";
  s.start_time = start;
  s.end_time = start + ms / 1000.0;
  s.recorded_by_lambda = lambda;
  return s;
}

// An invoke whose handler waits `wait_ms` then computes for `cpu_ms`, plus 1 ms of its own.
Invocation invoke(int memory_mb, double wait_ms, double cpu_ms) {
  Invocation inv;
  inv.memory_mb = memory_mb;
  inv.duration_ms = wait_ms + cpu_ms + 1;
  inv.trace.push_back(segment("f000000000000001", "", "fn", 100, inv.duration_ms, true));
  inv.trace.push_back(segment("a000000000000002", "f000000000000001", "Invocation", 100, inv.duration_ms, true));
  inv.trace.push_back(segment("b000000000000003", "f000000000000001", "download", 100, wait_ms, false));
  inv.trace.push_back(segment("b000000000000004", "b000000000000003", "## s3.get_object", 100, wait_ms, false));
  inv.trace.push_back(segment("b000000000000005", "f000000000000001", "resize", 100 + wait_ms / 1000, cpu_ms, false));
  return inv;
}

// `resize` runs on `threads` cores (40 ms of work at one vCPU); the host gives
// a size at most `host_cpus` vCPUs.
std::vector<SizeParts> measure(const std::vector<int>& sizes, double noise, int threads = 1, double host_cpus = 6) {
  std::vector<SizeParts> out;
  for (int mb : sizes) {
    std::vector<Invocation> invs;
    const double cpus = std::min(mb / 1769.0, host_cpus);
    const double share = std::min(cpus, static_cast<double>(threads));
    for (int i = 0; i < 9; ++i) {
      const double jitter = 1 + noise * ((i % 3) - 1);  // -noise, 0, +noise
      invs.push_back(invoke(mb, 300 * jitter, 40 / share * jitter));
    }
    out.push_back({mb, time_parts(invs), cpus});
  }
  return out;
}

const PartScaling& find(const std::vector<PartScaling>& parts, std::string_view name) {
  auto it = std::ranges::find(parts, name, &PartScaling::name);
  EXPECT_NE(it, parts.end()) << name;
  return *it;
}

TEST(TraceParts, TimesEachNamedPartPerSizeWithTheRestUntraced) {
  std::vector<Invocation> invs = {invoke(512, 300, 100), invoke(512, 300, 100), invoke(512, 300, 100)};
  Invocation failed = invoke(512, 1, 1);
  failed.outcome = engine_api::Outcome::kFunctionError;
  invs.push_back(failed);
  auto parts = time_parts(invs);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].name, "download");
  EXPECT_TRUE(parts[0].top_level);
  EXPECT_EQ(parts[0].samples, 3);
  EXPECT_NEAR(parts[0].p50_ms, 300, 1e-6);
  EXPECT_NEAR(parts[0].share, 300.0 / 401.0, 1e-6);
  EXPECT_EQ(parts[1].name, "resize");
  EXPECT_EQ(parts[2].name, kUntracedPart);
  EXPECT_NEAR(parts[2].mean_ms, 1, 1e-6);
  EXPECT_EQ(parts[3].name, "## s3.get_object");
  EXPECT_FALSE(parts[3].top_level);  // inside "download": not counted twice
}

TEST(TraceParts, NothingWithoutSdkSubsegments) {
  Invocation inv;
  inv.duration_ms = 5;
  inv.trace.push_back(segment("f000000000000001", "", "fn", 100, 5, true));
  EXPECT_TRUE(time_parts({inv}).empty());
  EXPECT_TRUE(time_parts({}).empty());
}

TEST(TraceParts, WaitingIsFlatAndComputingScales) {
  for (double noise : {0.0, 0.05}) {
    auto parts = fit_parts(measure({128, 256, 512, 1024}, noise));
    const PartScaling& download = find(parts, "download");
    EXPECT_EQ(download.verdict, MemoryScaling::kFlat) << noise;
    EXPECT_LT(download.cpu_fraction, kFlatBelow);
    const PartScaling& resize = find(parts, "resize");
    EXPECT_EQ(resize.verdict, MemoryScaling::kScales) << noise;
    EXPECT_GT(resize.explained, 0.9);
    EXPECT_NEAR(resize.cpu_ms, 40, 40 * noise + 1);
    EXPECT_EQ(resize.sizes.size(), 4u);
  }
}

TEST(TraceParts, OneSizeGivesNoVerdict) {
  auto parts = fit_parts(measure({512}, 0));
  EXPECT_EQ(find(parts, "resize").verdict, MemoryScaling::kUnknown);
  // Above one vCPU a single thread gets no faster, and neither does waiting:
  // a part that did not gain there is not called either.
  parts = fit_parts(measure({1769, 3008}, 0));
  EXPECT_EQ(find(parts, "resize").verdict, MemoryScaling::kUnknown);
  EXPECT_EQ(find(parts, "download").verdict, MemoryScaling::kUnknown);
}

TEST(TraceParts, APartThatKeepsGainingAboveOneVcpuScales) {
  // A two-threaded resize halves from 1,769 to 3,538 MB.
  auto parts = fit_parts(measure({1769, 3538}, 0, /*threads=*/2));
  const PartScaling& resize = find(parts, "resize");
  ASSERT_NEAR(resize.at(3538)->p50_ms, resize.at(1769)->p50_ms / 2, 1e-6);
  EXPECT_EQ(resize.verdict, MemoryScaling::kScales);
  EXPECT_NEAR(resize.cpu_ms, 40, 1e-6);
  EXPECT_NEAR(resize.fixed_ms, 0, 1e-6);
  // Measured below one vCPU too, it scales, with the capped share's fit.
  EXPECT_EQ(find(fit_parts(measure({128, 1769, 3538}, 0, 2)), "resize").verdict, MemoryScaling::kScales);
}

TEST(TraceParts, AboveOneVcpuTheSharesAreWhatTheHostGave) {
  // On a two-core host 5,307 MB ran with two vCPUs, as 3,538 did: the part
  // did not slow down, it got no more CPU.
  auto parts = fit_parts(measure({1769, 3538, 5307}, 0, /*threads=*/3, /*host_cpus=*/2));
  const PartScaling& resize = find(parts, "resize");
  EXPECT_EQ(resize.verdict, MemoryScaling::kScales);
  EXPECT_NEAR(resize.explained, 1, 1e-9);
  EXPECT_NEAR(resize.cpu_ms, 40, 1e-6);
}

TEST(TraceParts, NamesThePartThatLimitsTheFunction) {
  auto parts = fit_parts(measure({128, 512, 1024}, 0));
  EXPECT_EQ(limiting_part_sentence(parts, 1024),
            "At 1,024 MB, 81% of the time is `download`, which memory does not speed up (flat: waiting).");
  EXPECT_EQ(limiting_part_sentence(parts, 128).substr(0, 48), "At 128 MB, 65% of the time is `resize`, which ge");
  EXPECT_EQ(limiting_part_sentence(parts, 2048), "");
  EXPECT_EQ(limiting_part_sentence({}, 1024), "");
}

}  // namespace
}  // namespace sweetspot::tuner
