// Measurements behind the quantization table of `fp8gemm bench`: each quantizer's first call (JIT
// included), the median of many L2-flushed runs, its bytes moved per second and their share of the
// device's measured copy bandwidth (a large device-to-device cudaMemcpy, bytes read + written), and
// whether its output matched the CPU reference bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/quantize_problem.hpp"
#include "support/timing.hpp"

namespace fp8gemm::support {

struct CopyBandwidth {
  double bytes = 0;  // read + written per copy
  double median_us = 0;
  double gbps() const { return median_us > 0 ? bytes / median_us * 1e-3 : 0; }
};

// Device-to-device copies of a `buffer_bytes` buffer into another.
CopyBandwidth measure_copy_bandwidth(Stream stream, int iters, const L2Flusher& flusher, size_t buffer_bytes);

struct QuantizeBenchResult {
  QuantizeCase c;
  double bytes = 0;  // input read + codes and scales written, each once
  double first_call_us = 0;
  Timing timing;
  std::string correctness;  // empty when the output matched the reference bit for bit
  double gbps() const { return timing.median_us > 0 ? bytes / timing.median_us * 1e-3 : 0; }
};

// The quantizers of the DeepSeek-V3 sizes: activations M=4096, K=7168 per token (BF16 in), weights
// N=7168, K=4096 per block (BF16 in).
std::vector<QuantizeCase> quantize_bench_cases();

QuantizeBenchResult bench_quantize(const QuantizeCase& c, uint64_t seed, Stream stream, int iters,
                                   const L2Flusher& flusher);

}  // namespace fp8gemm::support
