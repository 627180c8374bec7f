// Generates the .cu source of the quantization kernels (kernels/fp8gemm/quantize.cuh), one small source
// per variant so that a first call compiles only what it launches.
#pragma once

#include <string>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm::jit {

enum class QuantizeKind { per_token, per_block };

struct QuantizeVariant {
  QuantizeKind kind = QuantizeKind::per_token;
  DType input = DType::bf16;  // bf16, f16 or f32
  bool vectorized = true;     // 16-byte loads (rows 16-byte aligned) or element-by-element accesses
};

// Threads per CTA of a variant's kernel (its __launch_bounds__ and the launch's block size).
int quantize_threads(const QuantizeVariant& v);

// The extern "C" entry point of a variant, e.g. "fp8gemm_quantize_per_token_bf16_vector".
std::string quantize_kernel_name(const QuantizeVariant& v);
std::string quantize_kernel_source(const QuantizeVariant& v);

// Every variant the library may launch (for ahead-of-time compilation and the compile tests).
std::vector<QuantizeVariant> quantize_variants();

}  // namespace fp8gemm::jit
