#include "support/cublaslt_baselines.hpp"

#include "support/cuda_check.hpp"

namespace fp8gemm::support {

const char* lt_kind_name(LtKind kind) {
  switch (kind) {
    case LtKind::fp8_block_scaled: return "cublaslt_fp8_block_scaled";
    case LtKind::fp8_per_tensor: return "cublaslt_fp8_per_tensor";
    case LtKind::bf16: return "cublaslt_bf16";
  }
  return "?";
}

// cuBLAS's recommendation for Hopper is 32 MiB; more never hurts a benchmark.
static constexpr size_t kWorkspaceBytes = 64ull << 20;

LtContext::LtContext() : workspace_(kWorkspaceBytes) { FP8GEMM_CUBLAS_CHECK(cublasLtCreate(&handle_)); }

LtContext::~LtContext() {
  if (handle_ != nullptr) cublasLtDestroy(handle_);
}

template <class T>
static cublasStatus_t set_attribute(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attribute,
                                    const T& value) {
  return cublasLtMatmulDescSetAttribute(desc, attribute, &value, sizeof(value));
}

static std::string refusal_message(const std::string& step, cublasStatus_t status) {
  return "cuBLASLt refused (" + step + ": " + cublas_status_name(status) + ")";
}

LtGemm::LtGemm(const LtContext& context, LtKind kind, int64_t m, int64_t n, int64_t k)
    : context_(context), kind_(kind) {
  const cudaDataType_t in_type = kind == LtKind::bf16 ? CUDA_R_16BF : CUDA_R_8F_E4M3;
  FP8GEMM_CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t transpose = CUBLAS_OP_T, no_transpose = CUBLAS_OP_N;
  FP8GEMM_CUBLAS_CHECK(set_attribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, transpose));
  FP8GEMM_CUBLAS_CHECK(set_attribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB, no_transpose));
  if (kind == LtKind::fp8_block_scaled) {
    const int32_t weight_mode = CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F;
    const int32_t activation_mode = CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F;
    cublasStatus_t status = set_attribute(desc_, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, weight_mode);
    if (status != CUBLAS_STATUS_SUCCESS) {
      refusal_ = refusal_message("A scale mode BLK128x128_32F", status);
      return;
    }
    status = set_attribute(desc_, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, activation_mode);
    if (status != CUBLAS_STATUS_SUCCESS) {
      refusal_ = refusal_message("B scale mode VEC128_32F", status);
      return;
    }
  }
  if (kind != LtKind::bf16) {
    // The heuristic sees scaled operands; run() sets the real pointers.
    const void* placeholder = context_.workspace();
    FP8GEMM_CUBLAS_CHECK(set_attribute(desc_, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, placeholder));
    FP8GEMM_CUBLAS_CHECK(set_attribute(desc_, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, placeholder));
  }
  const auto u = [](int64_t x) { return static_cast<uint64_t>(x); };
  FP8GEMM_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&a_layout_, in_type, u(k), u(n), k));
  FP8GEMM_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&b_layout_, in_type, u(k), u(m), k));
  FP8GEMM_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&d_layout_, CUDA_R_16BF, u(n), u(m), n));

  cublasLtMatmulPreference_t preference = nullptr;
  FP8GEMM_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&preference));
  const uint64_t workspace = context_.workspace_bytes();
  cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace,
                                       sizeof(workspace));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  const cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(context_.handle(), desc_, a_layout_, b_layout_,
                                                               d_layout_, d_layout_, preference, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(preference);
  if (status != CUBLAS_STATUS_SUCCESS)
    refusal_ = refusal_message("heuristic", status);
  else if (found == 0)
    refusal_ = "cuBLASLt refused (heuristic: no algorithm)";
  else
    algo_ = result.algo;
}

LtGemm::~LtGemm() {
  if (d_layout_ != nullptr) cublasLtMatrixLayoutDestroy(d_layout_);
  if (b_layout_ != nullptr) cublasLtMatrixLayoutDestroy(b_layout_);
  if (a_layout_ != nullptr) cublasLtMatrixLayoutDestroy(a_layout_);
  if (desc_ != nullptr) cublasLtMatmulDescDestroy(desc_);
}

cublasStatus_t LtGemm::run(const void* a, const void* b, const float* a_scale, const float* b_scale, void* d,
                           cudaStream_t stream) const {
  if (!available()) return CUBLAS_STATUS_NOT_SUPPORTED;
  if (kind_ != LtKind::bf16) {
    // cuBLASLt's A is our b and its B our a (see the header).
    cublasStatus_t status = set_attribute(desc_, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, b_scale);
    if (status != CUBLAS_STATUS_SUCCESS) return status;
    status = set_attribute(desc_, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, a_scale);
    if (status != CUBLAS_STATUS_SUCCESS) return status;
  }
  const float alpha = 1.0f, beta = 0.0f;
  return cublasLtMatmul(context_.handle(), desc_, &alpha, b, a_layout_, a, b_layout_, &beta, d, d_layout_, d,
                        d_layout_, &algo_, context_.workspace(), context_.workspace_bytes(), stream);
}

std::vector<float> lt_activation_scales(const reference::Quantized& a, int64_t row0, int64_t rows) {
  const int64_t kb = a.scale_cols;
  std::vector<float> out(static_cast<size_t>(kb * rows));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < kb; ++j)
      out[static_cast<size_t>(j * rows + r)] = a.scales[static_cast<size_t>((row0 + r) * kb + j)];
  return out;
}

std::vector<float> lt_weight_scales(const reference::Quantized& b) {
  const int64_t kb = b.scale_cols, ld = (kb + 3) / 4 * 4;
  std::vector<float> out(static_cast<size_t>(b.scale_rows * ld), 0.0f);
  for (int64_t nb = 0; nb < b.scale_rows; ++nb)
    for (int64_t j = 0; j < kb; ++j)
      out[static_cast<size_t>(nb * ld + j)] = b.scales[static_cast<size_t>(nb * kb + j)];
  return out;
}

}  // namespace fp8gemm::support
