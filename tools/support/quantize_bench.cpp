#include "support/quantize_bench.hpp"

#include <cuda_runtime_api.h>

#include "support/cuda_check.hpp"
#include "support/device_buffer.hpp"

namespace fp8gemm::support {

CopyBandwidth measure_copy_bandwidth(Stream stream, int iters, const L2Flusher& flusher, size_t buffer_bytes) {
  const DeviceBuffer source(buffer_bytes), destination(buffer_bytes);
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(source.get(), 1, buffer_bytes, stream));
  const Timing t = time_launches(
      [&] {
        FP8GEMM_CUDA_CHECK(
            cudaMemcpyAsync(destination.get(), source.get(), buffer_bytes, cudaMemcpyDeviceToDevice, stream));
      },
      stream, iters, flusher);
  return {2.0 * static_cast<double>(buffer_bytes), t.median_us};
}

std::vector<QuantizeCase> quantize_bench_cases() {
  // Issue 5's shape, M=4096 K=7168, for both; and a DeepSeek-V3 weight shape (N=7168, K=4096) for the
  // per-block one, which quantizes weights.
  return {gemm_layout_case(QuantizeKind::per_token, DType::bf16, 4096, 7168),
          gemm_layout_case(QuantizeKind::per_block, DType::bf16, 4096, 7168),
          gemm_layout_case(QuantizeKind::per_block, DType::bf16, 7168, 4096)};
}

QuantizeBenchResult bench_quantize(const QuantizeCase& c, uint64_t seed, Stream stream, int iters,
                                   const L2Flusher& flusher) {
  QuantizeBenchResult r;
  r.c = c;
  const QuantizeProblem p = make_quantize_problem(c, seed);
  r.bytes = static_cast<double>(p.bytes_moved);
  p.poison(stream);
  r.first_call_us = time_first_call_us([&] { p.run(stream); }, stream);
  r.correctness = p.compare(stream);
  r.timing = time_launches([&] { p.run(stream); }, stream, iters, flusher);
  return r;
}

}  // namespace fp8gemm::support
