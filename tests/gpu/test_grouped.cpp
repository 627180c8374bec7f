// The grouped GEMMs on the GPU: contiguous (m_indices, -1 padding, indices outside [-1, G)) and masked
// (empty groups, masked_m above max_m, CUDA graph capture replayed with new masked_m contents).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gpu_test.hpp"
#include "support/random_cases.hpp"

namespace fp8gemm::testing {
namespace {

using support::kAllLayouts;
using support::Layouts;

template <class T>
std::string list(const std::vector<T>& values) {
  std::string text;
  for (const T& v : values) {
    if (!text.empty()) text += ',';
    text += std::to_string(v);
  }
  return text;
}

class GroupedGemm : public GpuTest {};

TEST_F(GroupedGemm, ContiguousRandom) {
  support::CaseSampler sampler(31);
  for (int i = 0; i < 12; ++i) {
    const support::ContiguousCase c = sampler.contiguous();
    expect_correct(support::make_contiguous_problem(c.group_rows, c.n, c.k, kAllLayouts[i % 4], 1000 + i),
                   "rows " + list(c.group_rows) + " N=" + std::to_string(c.n) + " K=" + std::to_string(c.k) + " " +
                       support::describe(kAllLayouts[i % 4]));
  }
}

// Ragged experts, empty ones among them: -1 padding rows must keep the poison (checked by check()).
TEST_F(GroupedGemm, ContiguousRaggedWithEmptyExperts) {
  const std::vector<int64_t> rows = {1, 0, 130, 7, 0, 0, 256, 3};
  for (const Layouts& layouts : kAllLayouts)
    expect_correct(support::make_contiguous_problem(rows, 520, 1040, layouts, 1100), support::describe(layouts));
}

TEST_F(GroupedGemm, ContiguousAllExpertsEmpty) {
  const support::ContiguousProblem p = support::make_contiguous_problem({0, 0, 0}, 256, 256, kAllLayouts[0], 1200);
  ASSERT_EQ(p.m_total, 0);
  expect_correct(p, "no rows");
}

// Five experts of one aligned segment each; segments 1-4 then get an index outside [-1, G): G, 1000000,
// -2 and INT_MIN (bad_indices).
std::vector<int32_t> bad_indices(int64_t groups) { return {static_cast<int32_t>(groups), 1000000, -2, INT_MIN}; }

support::ContiguousProblem problem_with_bad_segments(uint64_t seed) {
  const int64_t alignment = get_m_alignment_for_contiguous_layout();
  support::ContiguousProblem p = support::make_contiguous_problem(
      {alignment, alignment, alignment, alignment, alignment}, 384, 512, kAllLayouts[1], seed);
  const std::vector<int32_t> bad = bad_indices(p.groups);
  for (size_t s = 0; s < bad.size(); ++s) {
    const int64_t begin = p.segment_begin[s + 1];
    for (int64_t r = begin; r < begin + alignment; ++r) p.m_indices[static_cast<size_t>(r)] = bad[s];
  }
  p.upload_m_indices();
  return p;
}

// Whole segments whose index is outside [-1, G): skipped (left untouched), never an access outside
// the tensors, and the valid experts around them still right.
TEST_F(GroupedGemm, ContiguousOutOfRangeIndicesAreSkipped) {
  const support::ContiguousProblem p = problem_with_bad_segments(1300);
  expect_correct(p, "indices " + list(bad_indices(p.groups)));
}

// FP8GEMM_CHECK_INDICES=1 (read on reload_settings): the same segments are still skipped, and the kernel
// reports each of their blocks on stdout (device printf, flushed at the synchronization in
// expect_correct), naming the row, the value and the rule; valid and -1 rows are not reported.
TEST_F(GroupedGemm, IndexCheckReportsOutOfRangeIndices) {
  const support::ContiguousProblem p = problem_with_bad_segments(1310);
  const std::vector<int32_t> bad = bad_indices(p.groups);
  struct CheckIndices {  // on for this scope, whatever the assertions do
    CheckIndices() { setenv("FP8GEMM_CHECK_INDICES", "1", 1), reload_settings(); }
    ~CheckIndices() { unsetenv("FP8GEMM_CHECK_INDICES"), reload_settings(); }
  } on;
  ::testing::internal::CaptureStdout();
  expect_correct(p, "checked build, indices " + list(bad));
  std::fflush(stdout);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string rule = " is outside [-1, " + std::to_string(p.groups) + "); its block was skipped";
  for (size_t s = 0; s < bad.size(); ++s) {
    const std::string first_block =
        "fp8gemm: m_indices[" + std::to_string(p.segment_begin[s + 1]) + "] = " + std::to_string(bad[s]) + rule;
    EXPECT_NE(out.find(first_block), std::string::npos) << "missing: " << first_block << "\nstdout:\n" << out;
  }
  // One line per skipped block (a segment is one block, or two with BLOCK_M 64), nothing else.
  size_t lines = 0;
  for (size_t at = out.find("fp8gemm: m_indices["); at != std::string::npos; at = out.find("fp8gemm: m_indices[", at + 1))
    ++lines;
  EXPECT_TRUE(lines == 4 || lines == 8) << lines << " lines:\n" << out;
}

TEST_F(GroupedGemm, MaskedRandom) {
  support::CaseSampler sampler(47);
  for (int i = 0; i < 12; ++i) {
    const support::MaskedCase c = sampler.masked();
    expect_correct(support::make_masked_problem(c.groups, c.max_m, c.masked_m, c.n, c.k, kAllLayouts[i % 4], 2000 + i),
                   "G=" + std::to_string(c.groups) + " max_m=" + std::to_string(c.max_m) + " masked_m " +
                       list(c.masked_m) + " N=" + std::to_string(c.n) + " K=" + std::to_string(c.k) + " " +
                       support::describe(kAllLayouts[i % 4]));
  }
}

// masked_m = 0 leaves the whole group untouched; masked_m > max_m computes max_m rows and no more.
TEST_F(GroupedGemm, MaskedEmptyAndClippedGroups) {
  const std::vector<int32_t> masked_m = {0, 256, 1000, 17, 0, INT_MAX};
  for (const Layouts& layouts : kAllLayouts)
    expect_correct(support::make_masked_problem(6, 256, masked_m, 1024, 1552, layouts, 2100), support::describe(layouts));
}

// Decode under CUDA graphs: capture once, replay with masked_m changed on the device between replays;
// every replay must be right, rows past masked_m untouched.
TEST_F(GroupedGemm, MaskedGraphReplayWithNewCounts) {
  support::MaskedProblem p =
      support::make_masked_problem(4, 192, {192, 64, 1, 100}, 512, 640, kAllLayouts[2], 2200);
  // Warm-up outside the capture: compiling and loading the kernel is not a stream operation.
  expect_correct(p, "before capture");

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  FP8GEMM_CUDA_CHECK(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeGlobal));
  try {
    p.run(stream());
  } catch (...) {
    cudaStreamEndCapture(stream(), &graph);
    if (graph != nullptr) cudaGraphDestroy(graph);
    throw;
  }
  FP8GEMM_CUDA_CHECK(cudaStreamEndCapture(stream(), &graph));
  FP8GEMM_CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));

  const std::vector<std::vector<int32_t>> replays = {
      {192, 0, 5, 100}, {1, 2, 3, 4}, {0, 0, 0, 0}, {300, 192, 191, 64}, {17, 180, 0, 129}};
  for (const auto& counts : replays) {
    p.set_masked_m(counts, stream());
    p.d_buffer.poison(stream());
    FP8GEMM_CUDA_CHECK(cudaGraphLaunch(exec, stream()));
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
    const support::CheckResult result = support::check(p, reference());
    EXPECT_TRUE(result.passed) << "replay with masked_m " << list(counts) << ": " << result.failure;
  }
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
}

}  // namespace
}  // namespace fp8gemm::testing
