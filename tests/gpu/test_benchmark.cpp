// `fp8gemm bench --config`: kernel configurations forced through FP8GEMM_CONFIG are checked against the
// reference and timed in turn with the heuristic's choice; one a shape cannot run is noted, not fatal;
// FP8GEMM_CONFIG is put back afterwards. And, without a GPU, the median the timings report, the comparison of
// an output with the reference, and the parsing of bench's shape options.
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpu_test.hpp"
#include "reference/reference.hpp"
#include "support/benchmark.hpp"
#include "support/guarded_output.hpp"
#include "support/suites.hpp"
#include "support/timing.hpp"
#include "support/verify.hpp"

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

// diff_rows sums in parallel over chunks: the same value as the serial reference::diff, every element looked at
// (a bad one in any chunk is found, the first in index order named), rows counted from row0.
TEST(BenchStatistics, DiffRowsComparesEveryElementAndNamesTheFirstBadOne) {
  const int64_t cols = 1000, rows = 300, row0 = 5;  // 300,000 elements: several chunks
  std::vector<double> ref(static_cast<size_t>(rows * cols));
  std::vector<uint16_t> d(static_cast<size_t>((row0 + rows) * cols), support::kPoison);
  std::vector<double> ours(ref.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    ref[i] = std::sin(0.001 * static_cast<double>(i)) * 3.0;
    d[static_cast<size_t>(row0 * cols) + i] = reference::float_to_bf16(static_cast<float>(ref[i]));
    ours[i] = reference::bf16_to_float(d[static_cast<size_t>(row0 * cols) + i]);
  }
  std::string failure;
  const double diff = support::diff_rows(d, cols, row0, rows, ref, &failure);
  EXPECT_TRUE(failure.empty()) << failure;
  EXPECT_NEAR(diff, reference::diff(ours.data(), ref.data(), rows * cols), 1e-12);
  EXPECT_GT(diff, 0.0);  // bf16 rounding
  EXPECT_LT(diff, 1e-5);

  d[static_cast<size_t>((row0 + 250) * cols + 3)] = support::kPoison;  // a later chunk
  d[static_cast<size_t>((row0 + 120) * cols + 17)] = 0x7fc0;             // NaN, an earlier one
  EXPECT_TRUE(std::isnan(support::diff_rows(d, cols, row0, rows, ref, &failure)));
  EXPECT_EQ(failure, "D[125, 17] is not finite");
  failure.clear();
  EXPECT_TRUE(std::isnan(support::diff_rows(d, cols, row0 + 200, rows - 200, ref, &failure)));
  EXPECT_EQ(failure, "D[255, 3] was never written (still poison)");

  std::vector<uint16_t> zeros(static_cast<size_t>(cols), 0);
  failure.clear();
  EXPECT_EQ(support::diff_rows(zeros, cols, 0, 1, std::vector<double>(static_cast<size_t>(cols), 0.0), &failure), 0.0);
  EXPECT_TRUE(failure.empty());
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
