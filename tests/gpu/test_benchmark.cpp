// `fp8gemm bench --config`: kernel configurations forced through FP8GEMM_CONFIG are checked against the
// reference and timed in turn with the heuristic's choice; one a shape cannot run is noted, not fatal;
// FP8GEMM_CONFIG is put back afterwards. And, without a GPU, the median the timings report and the parsing
// of bench's shape options.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "gpu_test.hpp"
#include "support/benchmark.hpp"
#include "support/suites.hpp"
#include "support/timing.hpp"

namespace fp8gemm::testing {
namespace {

class BenchmarkTool : public GpuTest {};

TEST_F(BenchmarkTool, ForcedConfigsAreCheckedAndTimedBesideTheHeuristic) {
  ASSERT_EQ(std::getenv("FP8GEMM_CONFIG"), nullptr);
  // N=2112 has 9 blocks of 256 columns: a pair of CTAs (cluster 2) cannot share them.
  support::Benchmark bench(stream(), 3, /*baselines=*/false, support::ScaleLayout::mn_major,
                           {"128,128,4,1", "64,64,6,1", "128,256,3,2"});
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

TEST(BenchStatistics, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(support::median({3.0, 1.0, 2.0}), 2.0);
  EXPECT_EQ(support::median({4.0, 1.0, 3.0, 2.0}), 2.5);
  EXPECT_EQ(support::median({7.0}), 7.0);
  EXPECT_EQ(support::median({}), 0.0);
}

TEST(BenchShapes, ParsesShapeOptionsAndRejectsMalformedOnes) {
  const support::NormalShape n = support::parse_shape("0,2112,7168");
  EXPECT_EQ(n.m, 0);
  EXPECT_EQ(n.n, 2112);
  EXPECT_EQ(n.k, 7168);
  const support::ContiguousShape c = support::parse_contiguous_shape("8,4096,7168,2048");
  EXPECT_EQ(c.groups, 8);
  EXPECT_EQ(c.rows_per_group, 4096);
  EXPECT_EQ(c.n, 7168);
  EXPECT_EQ(c.k, 2048);
  const support::MaskedShape m = support::parse_masked_shape("4,100,4096,7168");
  EXPECT_EQ(m.groups, 4);
  EXPECT_EQ(m.max_m, 100);
  EXPECT_EQ(m.n, 4096);
  EXPECT_EQ(m.k, 7168);
  EXPECT_EQ(support::parse_contiguous_shape("2,0,256,128").rows_per_group, 0);

  for (const char* bad : {"", "1,2", "1,2,3,4", "1,,2,3", "1,2,3,", "-1,2,3", "1,0,3", "1,2,0", "a,2,3"})
    EXPECT_THROW(support::parse_shape(bad), std::invalid_argument) << bad;
  // Rows per expert must be a multiple of the contiguous layout's alignment (128).
  for (const char* bad : {"4,8192,4096", "0,128,256,128", "4,100,256,128", "4,-128,256,128", "4,128,0,128",
                          "4,128,256,0", "4,128,256,128,1"})
    EXPECT_THROW(support::parse_contiguous_shape(bad), std::invalid_argument) << bad;
  for (const char* bad : {"1,1024,4096", "0,64,256,128", "1,-1,256,128", "1,64,0,128", "1,64,256,0", "1;64;256;128"})
    EXPECT_THROW(support::parse_masked_shape(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace fp8gemm::testing
