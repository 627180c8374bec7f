// Random FP8 operands as the kernels take them: randn(0, 1) values from a seed, quantized on the host by
// the CPU reference (1x128 per token group for activations, 128x128 per block for weights). The same
// seed gives the same operands on every machine and thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "reference/reference.hpp"

namespace fp8gemm::support {

enum class Quantization { per_token_group, per_block };

reference::Quantized random_quantized(int64_t rows, int64_t cols, Quantization kind, uint64_t seed);

// Dequantized values (double, row-major) of rows [row0, row0 + rows), computed by the CPU reference.
// For per_block, row0 must be a multiple of 128.
std::vector<double> dequantized(const reference::Quantized& x, Quantization kind, int64_t row0, int64_t rows);

// A seed for case `index` of a run seeded with `base` (splitmix64: neighbouring cases get unrelated data).
uint64_t derive_seed(uint64_t base, uint64_t index);

}  // namespace fp8gemm::support
