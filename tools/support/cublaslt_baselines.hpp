// cuBLASLt baselines for `fp8gemm bench`: the same GEMM through NVIDIA's library, as
//   fp8_block_scaled: E4M3 with the same 1x128 activation and 128x128 weight scales as ours
//                     (CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F / ..._BLK128x128_32F),
//   fp8_per_tensor:   E4M3 with one FP32 scale per tensor (no fine-grained scaling: a speed reference),
//   bf16:             BF16 inputs,
// all with BF16 output and FP32 accumulation.
//
// Operand mapping. cuBLASLt is column-major and its FP8 kernels want "TN" (op(A) = T, op(B) = N). Our
// row-major D[M, N] is the column-major matrix Dᵀ [N, M] = B · Aᵀ, so cuBLASLt's A is our B (stored as N
// columns of K: a K x N column-major matrix with ld K, transposed by the call), cuBLASLt's B is our A
// (a K x M column-major matrix with ld K), and cuBLASLt's D is N x M with ld N. The scales follow their
// matrices: cuBLASLt's A scales are our sb (128x128 blocks), its B scales our sa (1x128 along K).
//
// Scale layouts cuBLASLt reads (those torch._scaled_mm hands it for the same modes; `fp8gemm bench`
// checks the result's diff against the reference, which validates them):
//   activations (VEC128_32F): [Kb][rows], the row index contiguous, leading dimension exactly `rows`;
//   weights (BLK128x128_32F): [Nb][ld] with ld = Kb rounded up to 4 (16-byte aligned rows).
#pragma once

#include <cublasLt.h>

#include <cstdint>
#include <string>
#include <vector>

#include "reference/reference.hpp"
#include "support/device_buffer.hpp"

namespace fp8gemm::support {

enum class LtKind { fp8_block_scaled, fp8_per_tensor, bf16 };
const char* lt_kind_name(LtKind kind);

class LtContext {
 public:
  LtContext();
  ~LtContext();
  LtContext(const LtContext&) = delete;
  LtContext& operator=(const LtContext&) = delete;

  cublasLtHandle_t handle() const { return handle_; }
  void* workspace() const { return workspace_.get(); }
  size_t workspace_bytes() const { return workspace_.bytes(); }

 private:
  cublasLtHandle_t handle_ = nullptr;
  DeviceBuffer workspace_;
};

// One GEMM shape of one kind, with the algorithm cuBLASLt's heuristic picks for it.
class LtGemm {
 public:
  // Never throws because cuBLASLt declines: available() is then false and refusal() says why.
  LtGemm(const LtContext& context, LtKind kind, int64_t m, int64_t n, int64_t k);
  ~LtGemm();
  LtGemm(const LtGemm&) = delete;
  LtGemm& operator=(const LtGemm&) = delete;

  bool available() const { return refusal_.empty(); }
  const std::string& refusal() const { return refusal_; }

  // a [M, K] and b [N, K] row-major (E4M3, or BF16 for the bf16 kind), d [M, N] BF16 row-major.
  // Scales on the device: block-scaled: lt_activation_scales / lt_weight_scales layouts; per-tensor:
  // one float each; bf16: ignored. Every pointer 16-byte aligned (cuBLASLt's FP8 rule; the algorithm is
  // picked for aligned pointers and refused, CUBLAS_STATUS_NOT_SUPPORTED, for others). Returns cuBLASLt's status.
  cublasStatus_t run(const void* a, const void* b, const float* a_scale, const float* b_scale, void* d,
                     cudaStream_t stream) const;

 private:
  const LtContext& context_;
  LtKind kind_;
  std::string refusal_;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t a_layout_ = nullptr, b_layout_ = nullptr, d_layout_ = nullptr;
  cublasLtMatmulAlgo_t algo_{};
};

// Our scales rearranged into the layouts above.
std::vector<float> lt_activation_scales(const reference::Quantized& a, int64_t row0, int64_t rows);
std::vector<float> lt_weight_scales(const reference::Quantized& b);

}  // namespace fp8gemm::support
