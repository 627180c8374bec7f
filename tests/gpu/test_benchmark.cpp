// `fp8gemm bench --config`: kernel configurations forced through FP8GEMM_CONFIG are checked against the
// reference and timed in turn with the heuristic's choice; one a shape cannot run is noted, not fatal;
// FP8GEMM_CONFIG is put back afterwards.
#include <cstdlib>
#include <string>

#include "gpu_test.hpp"
#include "support/benchmark.hpp"

namespace fp8gemm::testing {
namespace {

class BenchmarkTool : public GpuTest {};

TEST_F(BenchmarkTool, ForcedConfigsAreCheckedAndTimedBesideTheHeuristic) {
  ASSERT_EQ(std::getenv("FP8GEMM_CONFIG"), nullptr);
  // N=2112 has 9 blocks of 256 columns: a pair of CTAs (cluster 2) cannot share them.
  support::Benchmark bench(stream(), 3, /*baselines=*/false, support::ScaleLayout::mn_major,
                           {"128,128,4,1", "64,64,6,1", "128,256,4,2"});
  const support::BenchResult r = bench.normal({200, 2112, 640}, 7);
  EXPECT_TRUE(r.correctness.empty()) << r.correctness;
  ASSERT_TRUE(r.ours.ran) << r.ours.note;
  ASSERT_EQ(r.forced.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    const support::ConfigMeasurement& f = r.forced[static_cast<size_t>(i)];
    EXPECT_TRUE(f.m.ran) << f.config << ": " << f.m.note;
    EXPECT_TRUE(f.correctness.empty()) << f.config << ": " << f.correctness;
    EXPECT_GE(f.m.diff, 0.0) << f.config;
    EXPECT_LT(f.m.diff, support::kDiffTolerance) << f.config;
    EXPECT_GT(f.m.median_us, 0.0) << f.config;
  }
  EXPECT_FALSE(r.forced[2].m.ran);
  EXPECT_NE(r.forced[2].m.note.find("FP8GEMM_CONFIG"), std::string::npos) << r.forced[2].m.note;
  EXPECT_EQ(std::getenv("FP8GEMM_CONFIG"), nullptr);
}

}  // namespace
}  // namespace fp8gemm::testing
