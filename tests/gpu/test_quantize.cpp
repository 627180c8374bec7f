// per_token_cast_to_fp8 and per_block_cast_to_fp8 on the GPU, bit for bit against the CPU reference:
// every input dtype, both kernels' fast (16-byte) and scalar paths, odd row counts, K not a multiple
// of 128, batched inputs, both scale layouts, power-of-two scales, NaN / -0 / subnormal inputs; outputs
// poisoned first, so that bytes written outside the tensors (or left unwritten) show.
#include <string>
#include <vector>

#include "gpu_test.hpp"
#include "reference/reference.hpp"
#include "support/quantize_problem.hpp"

namespace fp8gemm::testing {
namespace {

using support::QuantizeCase;
using support::QuantizeKind;
using support::ScaleLayout;

class Quantize : public GpuTest {
 public:
  void expect_exact(const QuantizeCase& c, uint64_t seed) {
    const support::QuantizeProblem p = support::make_quantize_problem(c, seed);
    p.poison(stream());
    p.run(stream());
    EXPECT_EQ(p.compare(stream()), "") << support::describe(c);
  }
};

struct Shape {
  int64_t rows, cols;
};
// One row, K below a group, K with a short last group (also not a multiple of 8: the scalar path for
// 2-byte inputs), whole groups, odd row counts around the tile sizes, a DeepSeek-V3 width.
const Shape kShapes[] = {{1, 16}, {7, 100}, {33, 128}, {130, 1000}, {257, 7168}, {1000, 520}, {129, 4100}};
const DType kDtypes[] = {DType::bf16, DType::f16, DType::f32};

// Every shape, dtype and pow2 choice; the scale layout alternates.
void sweep(Quantize& test, QuantizeKind kind, uint64_t seed) {
  for (const Shape& s : kShapes)
    for (DType dtype : kDtypes)
      for (bool pow2 : {false, true}) {
        QuantizeCase c{kind, dtype, 0, s.rows, s.cols};
        c.pow2_scales = pow2;
        c.scales = seed % 2 == 0 ? ScaleLayout::mn_major : ScaleLayout::row_major;
        test.expect_exact(c, seed++);
      }
}

TEST_F(Quantize, PerTokenMatchesTheReference) { sweep(*this, QuantizeKind::per_token, 1); }

TEST_F(Quantize, PerBlockMatchesTheReference) { sweep(*this, QuantizeKind::per_block, 100); }

// Row strides and starts that are not 16-byte aligned take the element-by-element kernels; padded code
// rows must keep their padding.
TEST_F(Quantize, UnalignedRowsTakeTheScalarPath) {
  uint64_t seed = 200;
  for (QuantizeKind kind : {QuantizeKind::per_token, QuantizeKind::per_block})
    for (DType dtype : kDtypes) {
      QuantizeCase padded{kind, dtype, 0, 131, 384};
      padded.x_row_padding = 3;
      padded.q_row_padding = 5;
      expect_exact(padded, seed++);
      QuantizeCase shifted{kind, dtype, 0, 70, 1024};
      shifted.x_offset = 1;
      expect_exact(shifted, seed++);
      QuantizeCase aligned_padding{kind, dtype, 0, 200, 256};  // still the fast path
      aligned_padding.x_row_padding = 16;
      aligned_padding.q_row_padding = 16;
      expect_exact(aligned_padding, seed++);
    }
}

TEST_F(Quantize, BatchedInputsQuantizeEachGroup) {
  uint64_t seed = 300;
  for (QuantizeKind kind : {QuantizeKind::per_token, QuantizeKind::per_block})
    for (DType dtype : kDtypes)
      for (ScaleLayout layout : {ScaleLayout::mn_major, ScaleLayout::row_major}) {
        QuantizeCase c{kind, dtype, 3, 65, 300};
        c.scales = layout;
        c.pow2_scales = seed % 2 == 0;
        expect_exact(c, seed++);
      }
}

TEST_F(Quantize, NanNegativeZeroAndSubnormalInputs) {
  uint64_t seed = 400;
  for (QuantizeKind kind : {QuantizeKind::per_token, QuantizeKind::per_block})
    for (DType dtype : kDtypes)
      for (bool pow2 : {false, true}) {
        QuantizeCase c{kind, dtype, 0, 150, 900};
        c.specials = true;
        c.pow2_scales = pow2;
        expect_exact(c, seed++);
      }
}

TEST_F(Quantize, DeepSeekV3Sizes) {
  expect_exact(support::gemm_layout_case(QuantizeKind::per_token, DType::bf16, 4096, 7168), 500);
  expect_exact(support::gemm_layout_case(QuantizeKind::per_block, DType::bf16, 7168, 4096), 501);
  expect_exact(support::gemm_layout_case(QuantizeKind::per_block, DType::f32, 2112, 7168), 502);
}

TEST_F(Quantize, EmptyInputsWriteNothing) {
  for (QuantizeKind kind : {QuantizeKind::per_token, QuantizeKind::per_block}) {
    const support::QuantizeProblem p = support::make_quantize_problem(support::gemm_layout_case(kind, DType::bf16, 0, 256), 600);
    p.poison(stream());
    p.run(stream());
    EXPECT_EQ(p.compare(stream()), "");
  }
}

// The codes and scales go to the GEMM as they are: its product matches the reference GEMM of the
// reference quantization.
TEST_F(Quantize, OutputsFeedTheGemm) {
  const int64_t m = 256, n = 384, k = 512;
  const support::QuantizeProblem a =
      support::make_quantize_problem(support::gemm_layout_case(QuantizeKind::per_token, DType::bf16, m, k), 700);
  const support::QuantizeProblem b =
      support::make_quantize_problem(support::gemm_layout_case(QuantizeKind::per_block, DType::bf16, n, k), 701);
  a.run(stream());
  b.run(stream());
  support::DeviceBuffer d(static_cast<size_t>(m * n * 2));
  fp8_gemm_nt(a.q, a.scales, b.q, b.scales, TensorView::contiguous(d.get(), DType::bf16, {m, n}), stream());
  ASSERT_EQ(a.compare(stream()), "");
  ASSERT_EQ(b.compare(stream()), "");
  const std::vector<double> expected = reference::gemm_nt(
      reference::dequantize_per_token_group(reference::quantize_per_token_group(a.values.data(), m, k)),
      reference::dequantize_per_block(reference::quantize_per_block(b.values.data(), n, k)), m, n, k);
  std::vector<double> got;
  for (uint16_t bits : d.to_vector<uint16_t>(static_cast<size_t>(m * n))) got.push_back(reference::bf16_to_float(bits));
  EXPECT_LT(reference::diff(got.data(), expected.data(), m * n), 1e-5);
}

TEST_F(Quantize, BadDeviceArgumentsAreNamed) {
  const support::QuantizeProblem p =
      support::make_quantize_problem(support::gemm_layout_case(QuantizeKind::per_token, DType::bf16, 8, 256), 800);
  std::vector<float> host_scales(16);
  TensorView host = p.scales;
  host.data = host_scales.data();
  try {
    per_token_cast_to_fp8(p.x, p.q, host, false, stream());
    ADD_FAILURE() << "a host pointer for scales was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("scales: must be in CUDA device memory", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace fp8gemm::testing
