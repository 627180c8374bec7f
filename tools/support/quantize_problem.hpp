// Quantization problems, ready to run on the GPU and to compare bit for bit with the CPU reference:
// a random BF16 / FP16 / FP32 input [G, rows, K] on the device (optionally with padded rows or a
// misaligned start, which the scalar kernels serve), E4M3 codes and FP32 scales poisoned beforehand,
// so that any byte the kernel should not write, or failed to write, shows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "support/device_buffer.hpp"
#include "support/problems.hpp"

namespace fp8gemm::support {

enum class QuantizeKind { per_token, per_block };

struct QuantizeCase {
  QuantizeKind kind = QuantizeKind::per_token;
  DType dtype = DType::bf16;       // of the input: bf16, f16 or f32
  int64_t groups = 0;              // 0: 2-D tensors [rows, K]; else 3-D [groups, rows, K]
  int64_t rows = 0, cols = 0;      // M (or N) and K
  int64_t x_row_padding = 0;       // elements between the input's rows
  int64_t x_offset = 0;            // elements between the allocation's start and the input's
  int64_t q_row_padding = 0;       // bytes between the codes' rows
  ScaleLayout scales = ScaleLayout::mn_major;  // MN-major: TMA-aligned leading dimension
  bool pow2_scales = false;
  bool specials = false;           // NaN of both signs, -0, infinitesimal values among the inputs
};

// A case in the layouts the GEMMs read: MN-major activation scales (per token), row-major weight
// scales (per block).
QuantizeCase gemm_layout_case(QuantizeKind kind, DType dtype, int64_t rows, int64_t cols);

// "per_token bf16 [3, 65, 300] mn-major pow2 ..."
std::string describe(const QuantizeCase& c);

struct QuantizeProblem {
  QuantizeCase c;
  std::vector<float> values;  // the input's values, dense [groups or 1, rows, cols]
  DeviceBuffer x_buffer, q_buffer, scales_buffer;
  TensorView x, q, scales;
  int64_t bytes_moved = 0;    // input read + codes and scales written, each once

  void poison(Stream stream) const;
  void run(Stream stream) const;
  // Empty when the codes, the scales and the untouched padding are all as they should be; else the
  // first difference. Synchronizes the stream.
  std::string compare(Stream stream) const;
};

QuantizeProblem make_quantize_problem(const QuantizeCase& c, uint64_t seed);

}  // namespace fp8gemm::support
