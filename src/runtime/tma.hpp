// TMA descriptors for the kernel's operand tiles and its output.
#pragma once

#include <cuda.h>

#include <cstdint>

namespace fp8gemm::runtime {

// A 2-D row-major FP8 tensor [rows, cols] with `row_stride_bytes`, read in boxes of box_rows x 128
// bytes with the 128-byte swizzle (what the wgmma descriptors expect). Out-of-bounds reads are zeros.
CUtensorMap make_fp8_tile_map(const void* base, int64_t rows, int64_t cols, int64_t row_stride_bytes, int box_rows);

// A 3-D row-major BF16 tensor [groups, rows, cols] (groups 1 for a 2-D one), written in boxes of one
// group x box_rows x 64 elements (128 bytes) with the 128-byte swizzle (the epilogue's staging layout).
// The part of a box outside the tensor is skipped, so a box never spills into the next group.
CUtensorMap make_bf16_tile_map(const void* base, int64_t groups, int64_t rows, int64_t cols, int64_t row_stride_bytes,
                               int64_t group_stride_bytes, int box_rows);

}  // namespace fp8gemm::runtime
