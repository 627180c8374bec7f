// fp8_gemm_nt on the GPU: the DeepSeek-V3 shapes, random shapes and odd sizes, both sa layouts, every
// output poisoned and guarded and compared with the double-precision reference (diff < 1e-5).
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "gpu_test.hpp"
#include "runtime/driver.hpp"
#include "support/random_cases.hpp"
#include "support/random_operands.hpp"

namespace fp8gemm::testing {
namespace {

using support::kAllLayouts;
using support::Layouts;

std::string describe(int64_t m, int64_t n, int64_t k, const Layouts& layouts) {
  return "M=" + std::to_string(m) + " N=" + std::to_string(n) + " K=" + std::to_string(k) + " " +
         support::describe(layouts);
}

class NormalGemm : public GpuTest {
 protected:
  void expect_shape_correct(int64_t m, int64_t n, int64_t k, const Layouts& layouts, uint64_t seed) {
    expect_correct(support::make_normal_problem(m, n, k, layouts, seed), describe(m, n, k, layouts));
  }
};

// Both sa layouts (and both D layouts) on every suite shape.
TEST_F(NormalGemm, DeepSeekV3Shapes) {
  uint64_t seed = 100;
  for (const auto& s : support::deepseek_v3_shapes())
    for (int l = 0; l < 2; ++l) expect_shape_correct(s.m, s.n, s.k, kAllLayouts[l], seed++);
}

TEST_F(NormalGemm, RandomShapes) {
  support::CaseSampler sampler(2024);
  for (int i = 0; i < 50; ++i) {
    const support::NormalShape s = sampler.normal();
    expect_shape_correct(s.m, s.n, s.k, kAllLayouts[i % 4], 200 + i);
  }
}

// Edges of the allowed sets: one row, the smallest N and K, K tails that leave the last scale group
// short, N and M that end inside a block.
TEST_F(NormalGemm, OddSizes) {
  const support::NormalShape shapes[] = {
      {1, 8, 16},      {1, 2112, 7168}, {1, 24, 4112},  {2, 8, 128},    {128, 256, 16},  {64, 512, 48},
      {130, 136, 400}, {200, 264, 144}, {65, 8, 4096},  {7, 24, 2064},  {4097, 520, 1040}, {333, 7160, 7184},
      {129, 129 * 8, 272}, {256, 7168, 1552},
  };
  uint64_t seed = 300;
  for (const auto& s : shapes)
    for (const Layouts& layouts : kAllLayouts) expect_shape_correct(s.m, s.n, s.k, layouts, seed++);
}

TEST_F(NormalGemm, EmptyMDoesNothingAndWritesNothing) {
  for (const Layouts& layouts : kAllLayouts) {
    const support::NormalProblem p = support::make_normal_problem(0, 256, 512, layouts, 400);
    p.d_buffer.poison(stream());
    p.run(stream());
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
    EXPECT_EQ(p.d_buffer.guard_damage(), "") << support::describe(layouts);
  }
}

// Shapes whose last tiles are partial in both M and N, D with guard columns on both sides of every row
// and guard bands before and after it: the partial tiles' stores stay inside D.
TEST_F(NormalGemm, PartialTilesStayInsideD) {
  const support::NormalShape shapes[] = {{1, 8, 128}, {129, 136, 256}, {191, 1000, 512}, {63, 4104, 128}};
  const Layouts padded[] = {{support::ScaleLayout::mn_major, support::OutputLayout::padded_rows},
                            {support::ScaleLayout::row_major, support::OutputLayout::padded_rows}};
  uint64_t seed = 500;
  for (const auto& s : shapes)
    for (const Layouts& layouts : padded) {
      const support::NormalProblem p = support::make_normal_problem(s.m, s.n, s.k, layouts, seed++);
      const support::CheckResult result = support::run_and_check(p, stream(), reference());
      EXPECT_TRUE(result.passed) << describe(s.m, s.n, s.k, layouts) << ": " << result.failure;
      EXPECT_EQ(p.d_buffer.guard_damage(), "") << describe(s.m, s.n, s.k, layouts);
    }
}

// The same inputs give the same bits on every run (no split-K races, no atomics order).
TEST_F(NormalGemm, Deterministic) {
  const support::NormalShape shapes[] = {{64, 2112, 7168}, {4096, 7168, 2048}, {37, 1032, 1040}};
  uint64_t seed = 600;
  for (const auto& s : shapes) {
    const support::NormalProblem p = support::make_normal_problem(s.m, s.n, s.k, kAllLayouts[0], seed++);
    p.run(stream());
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
    const std::vector<uint16_t> first = p.d_buffer.download();
    for (int repeat = 0; repeat < 3; ++repeat) {
      p.d_buffer.poison(stream());
      p.run(stream());
      FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
      EXPECT_TRUE(p.d_buffer.download() == first) << describe(s.m, s.n, s.k, kAllLayouts[0]);
    }
  }
}

// A caller that states where its tensors live (TensorView::device: the ordinal, or managed memory) gets
// the same bits as one that leaves it to the driver's pointer queries.
TEST_F(NormalGemm, DeviceGivenOrQueriedGiveTheSameResult) {
  int device = 0;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
  const support::NormalProblem p = support::make_normal_problem(200, 1032, 1040, kAllLayouts[1], 700);
  p.run(stream());
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
  const std::vector<uint16_t> queried = p.d_buffer.download();
  for (int given : {device, kManagedMemory}) {
    p.d_buffer.poison(stream());
    p.run(stream(), given);
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
    EXPECT_TRUE(p.d_buffer.download() == queried) << "device " << given;
    EXPECT_EQ(p.d_buffer.guard_damage(), "") << "device " << given;
  }
}

// A thread that has made no CUDA context current (it makes no CUDA call of its own) gets the primary
// context of device 0, as the CUDA runtime would give it: the call runs there, on this test's stream, and
// gives the bits it gives from the test's thread. The launch path asks the driver for the current
// context's ID alone (cuCtxGetId(NULL)); this is the case where there is none yet.
TEST_F(NormalGemm, ThreadWithoutCurrentContextUsesDevice0sPrimaryContext) {
  int device = 0;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
  if (device != 0) GTEST_SKIP() << "the context fp8gemm falls back to is device 0's primary one; this process uses device " << device;
  const runtime::Driver& driver = runtime::driver();
  CUcontext primary = nullptr;  // the CUDA runtime's context in this thread: device 0's primary context
  runtime::check(driver.CtxGetCurrent(&primary), "cuCtxGetCurrent");
  const support::NormalProblem p = support::make_normal_problem(200, 1032, 1040, kAllLayouts[1], 710);
  p.run(stream(), device);
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
  const std::vector<uint16_t> expected = p.d_buffer.download();
  p.d_buffer.poison(stream());
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));

  CUcontext before = primary, after = nullptr;
  std::string error;
  std::thread([&] {
    try {
      runtime::check(driver.CtxGetCurrent(&before), "cuCtxGetCurrent");
      for (int call = 0; call < 2; ++call) p.run(stream(), device);  // the second call is a warm one
      runtime::check(driver.CtxGetCurrent(&after), "cuCtxGetCurrent");
    } catch (const std::exception& e) {
      error = e.what();
    }
  }).join();
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
  ASSERT_EQ(error, "");
  EXPECT_EQ(before, nullptr) << "the new thread already had a current context";
  EXPECT_EQ(after, primary);
  EXPECT_TRUE(p.d_buffer.download() == expected);
  EXPECT_EQ(p.d_buffer.guard_damage(), "");
}

}  // namespace
}  // namespace fp8gemm::testing
