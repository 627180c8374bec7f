// TMA descriptors for the kernel's operand tiles.
#pragma once

#include <cuda.h>

#include <cstdint>

namespace fp8gemm::runtime {

// A 2-D row-major FP8 tensor [rows, cols] with `row_stride_bytes`, read in boxes of box_rows x 128
// bytes with the 128-byte swizzle (what the wgmma descriptors expect). Out-of-bounds reads are zeros.
CUtensorMap make_fp8_tile_map(const void* base, int64_t rows, int64_t cols, int64_t row_stride_bytes, int box_rows);

}  // namespace fp8gemm::runtime
