// Correctness of one run: the double-precision reference computed on the GPU (cuBLAS DGEMM on the
// dequantized operands), the error metric diff = 1 - 2Σxy/Σ(x²+y²) in double, and the poison and
// guard-band checks that show what the kernel wrote and what it left alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/problems.hpp"

struct cublasContext;

namespace fp8gemm::support {

// The bar of issue 3: BF16 output rounding alone gives about 1.4e-6 on randn data, a kernel without
// FP32 promotion about 1e-4.
constexpr double kDiffTolerance = 1e-5;

class GpuReference {
 public:
  GpuReference();
  ~GpuReference();
  GpuReference(const GpuReference&) = delete;
  GpuReference& operator=(const GpuReference&) = delete;

  // D_ref[rows, N] (double, row-major) = A[row0 : row0 + rows] · Bᵀ on the dequantized operands
  // (a per token group, b per block).
  std::vector<double> gemm(const reference::Quantized& a, int64_t row0, int64_t rows, const reference::Quantized& b);

 private:
  cublasContext* handle_ = nullptr;
};

struct CheckResult {
  bool passed = true;
  double diff = 0;      // the worst diff over the compared parts (groups)
  std::string failure;  // the first thing found wrong
  void fail(const std::string& why);
};

// diff of rows [row0, row0 + rows) of the downloaded D (cols wide) against ref ([rows, cols]); a NaN
// (poison never overwritten) or infinity fails with its position.
double diff_rows(const std::vector<uint16_t>& d, int64_t cols, int64_t row0, int64_t rows,
                 const std::vector<double>& ref, std::string* failure);
// True when rows [row0, row0 + rows) still hold the poison; otherwise *failure says where they do not.
bool rows_untouched(const std::vector<uint16_t>& d, int64_t cols, int64_t row0, int64_t rows, std::string* failure);

// Compare a finished run (stream synchronised) with the reference.
CheckResult check(const NormalProblem& p, GpuReference& ref, double tolerance = kDiffTolerance);
CheckResult check(const ContiguousProblem& p, GpuReference& ref, double tolerance = kDiffTolerance);
CheckResult check(const MaskedProblem& p, GpuReference& ref, double tolerance = kDiffTolerance);

// Poison D, run on `stream`, synchronise, check. Errors thrown by the library or CUDA become failures.
template <class Problem>
CheckResult run_and_check(const Problem& p, Stream stream, GpuReference& ref, double tolerance = kDiffTolerance);

}  // namespace fp8gemm::support
