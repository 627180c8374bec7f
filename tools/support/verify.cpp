#include "support/verify.hpp"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "support/cuda_check.hpp"
#include "support/parallel.hpp"
#include "support/random_operands.hpp"

namespace fp8gemm::support {

GpuReference::GpuReference() { FP8GEMM_CUBLAS_CHECK(cublasCreate(&handle_)); }

GpuReference::~GpuReference() {
  if (handle_ != nullptr) cublasDestroy(handle_);
}

std::vector<double> GpuReference::gemm(const reference::Quantized& a, int64_t row0, int64_t rows,
                                       const reference::Quantized& b) {
  const int64_t n = b.rows, k = b.cols;
  std::vector<double> out(static_cast<size_t>(rows * n));
  if (rows == 0 || n == 0) return out;
  const DeviceBuffer a_dev = DeviceBuffer::from(dequantized(a, Quantization::per_token_group, row0, rows));
  const DeviceBuffer b_dev = DeviceBuffer::from(dequantized(b, Quantization::per_block, 0, n));
  DeviceBuffer d_dev(out.size() * sizeof(double));
  // Row-major D[rows, N] is column-major Dᵀ [N, rows] = B · Aᵀ: B's rows of K are the columns of a
  // column-major K x N matrix (transposed in the call), A's rows the columns of a K x rows matrix.
  const double one = 1.0, zero = 0.0;
  FP8GEMM_CUBLAS_CHECK(cublasDgemm(handle_, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(rows),
                                   static_cast<int>(k), &one, b_dev.as<double>(), static_cast<int>(k),
                                   a_dev.as<double>(), static_cast<int>(k), &zero, d_dev.as<double>(),
                                   static_cast<int>(n)));
  d_dev.download(out.data(), out.size() * sizeof(double));
  return out;
}

void CheckResult::fail(const std::string& why) {
  if (passed) failure = why;
  passed = false;
}

static std::string position(int64_t index, int64_t cols) {
  return "D[" + std::to_string(index / cols) + ", " + std::to_string(index % cols) + "]";
}

double diff_rows(const std::vector<uint16_t>& d, int64_t cols, int64_t row0, int64_t rows,
                 const std::vector<double>& ref, std::string* failure) {
  // One pass over fixed chunks on all threads: convert, check, sum. A large output's check (10^8 elements
  // and more, once per config timed) cost ~14 ns an element as three passes, two of them serial.
  const int64_t count = rows * cols;
  const uint16_t* ours = d.data() + row0 * cols;
  constexpr int64_t kChunk = 1 << 16;
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  std::vector<reference::DiffSums> sums(static_cast<size_t>(chunks));
  std::vector<int64_t> first_bad(static_cast<size_t>(chunks), -1);  // a chunk's first element not finite
  parallel_for(chunks, [&](int64_t chunk) {
    reference::DiffSums s;
    const int64_t end = std::min(count, (chunk + 1) * kChunk);
    for (int64_t i = chunk * kChunk; i < end; ++i) {
      const double x = reference::bf16_to_float(ours[i]);
      if (!std::isfinite(x)) {
        first_bad[static_cast<size_t>(chunk)] = i;
        return;
      }
      s.add(x, ref[static_cast<size_t>(i)]);
    }
    sums[static_cast<size_t>(chunk)] = s;
  });
  reference::DiffSums total;
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    if (const int64_t i = first_bad[static_cast<size_t>(chunk)]; i >= 0) {
      const bool poison = ours[i] == kPoison;
      *failure = position(row0 * cols + i, cols) + (poison ? " was never written (still poison)" : " is not finite");
      return std::numeric_limits<double>::quiet_NaN();
    }
    total.merge(sums[static_cast<size_t>(chunk)]);
  }
  return total.diff();
}

bool rows_untouched(const std::vector<uint16_t>& d, int64_t cols, int64_t row0, int64_t rows, std::string* failure) {
  for (int64_t i = row0 * cols; i < (row0 + rows) * cols; ++i) {
    if (d[static_cast<size_t>(i)] != kPoison) {
      *failure = position(i, cols) + " was written but must be left untouched";
      return false;
    }
  }
  return true;
}

// Rows [row0, row0 + rows) against A[row0 ...] · B_groupᵀ.
static void compare_rows(CheckResult& result, const std::vector<uint16_t>& d, int64_t cols, int64_t row0,
                         int64_t rows, const reference::Quantized& a, int64_t a_row0, const reference::Quantized& b,
                         GpuReference& ref, double tolerance, const std::string& what) {
  if (rows == 0) return;
  std::string failure;
  const double diff = diff_rows(d, cols, row0, rows, ref.gemm(a, a_row0, rows, b), &failure);
  if (!failure.empty()) {
    result.fail(what + ": " + failure);
    result.diff = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  if (!(result.diff >= diff)) result.diff = diff;  // keeps NaN once set
  if (!(diff < tolerance)) result.fail(what + ": diff " + std::to_string(diff) + " >= " + std::to_string(tolerance));
}

static void check_guards(CheckResult& result, const GuardedOutput& d) {
  const std::string damage = d.guard_damage();
  if (!damage.empty()) result.fail(damage);
}

CheckResult check(const NormalProblem& p, GpuReference& ref, double tolerance) {
  CheckResult result;
  check_guards(result, p.d_buffer);
  const std::vector<uint16_t> d = p.d_buffer.download();
  compare_rows(result, d, p.n, 0, p.m, p.a.host, 0, p.b.host[0], ref, tolerance, "D");
  return result;
}

CheckResult check(const ContiguousProblem& p, GpuReference& ref, double tolerance) {
  CheckResult result;
  check_guards(result, p.d_buffer);
  const std::vector<uint16_t> d = p.d_buffer.download();
  // Runs of rows with the same index: an expert's rows are compared with its GEMM, all other rows
  // (-1 padding, or an index outside [0, G)) must still hold the poison.
  for (int64_t begin = 0; begin < p.m_total;) {
    const int32_t index = p.m_indices[static_cast<size_t>(begin)];
    int64_t end = begin;
    while (end < p.m_total && p.m_indices[static_cast<size_t>(end)] == index) ++end;
    if (index >= 0 && index < p.groups) {
      compare_rows(result, d, p.n, begin, end - begin, p.a.host, begin, p.b.host[static_cast<size_t>(index)], ref,
                   tolerance, "expert " + std::to_string(index) + " rows " + std::to_string(begin) + ".." +
                                  std::to_string(end - 1));
    } else {
      std::string failure;
      if (!rows_untouched(d, p.n, begin, end - begin, &failure))
        result.fail("rows with m_indices " + std::to_string(index) + ": " + failure);
    }
    begin = end;
  }
  return result;
}

CheckResult check(const MaskedProblem& p, GpuReference& ref, double tolerance) {
  CheckResult result;
  check_guards(result, p.d_buffer);
  const std::vector<uint16_t> d = p.d_buffer.download();
  for (int64_t g = 0; g < p.groups; ++g) {
    const int64_t valid = std::clamp<int64_t>(p.masked_m[static_cast<size_t>(g)], 0, p.max_m);
    const int64_t row0 = g * p.max_m;
    compare_rows(result, d, p.n, row0, valid, p.a.host, row0, p.b.host[static_cast<size_t>(g)], ref, tolerance,
                 "group " + std::to_string(g));
    std::string failure;
    if (!rows_untouched(d, p.n, row0 + valid, p.max_m - valid, &failure))
      result.fail("group " + std::to_string(g) + " (masked_m " + std::to_string(valid) + "): " + failure);
  }
  return result;
}

static CheckResult failed(const std::string& why) {
  CheckResult result;
  result.fail(why);
  result.diff = std::numeric_limits<double>::quiet_NaN();
  return result;
}

template <class Problem>
CheckResult run_and_check(const Problem& p, Stream stream, GpuReference& ref, double tolerance) {
  try {
    p.d_buffer.poison(stream);
    p.run(stream);
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
    FP8GEMM_CUDA_CHECK(cudaGetLastError());
  } catch (const std::exception& e) {
    return failed(std::string("run failed: ") + e.what());
  }
  try {
    return check(p, ref, tolerance);
  } catch (const std::exception& e) {
    return failed(std::string("check failed: ") + e.what());
  }
}

template CheckResult run_and_check(const NormalProblem&, Stream, GpuReference&, double);
template CheckResult run_and_check(const ContiguousProblem&, Stream, GpuReference&, double);
template CheckResult run_and_check(const MaskedProblem&, Stream, GpuReference&, double);

}  // namespace fp8gemm::support
