// Run-time arguments and launch geometry of the quantization kernels (quantize.cuh). Included by the
// device code (NVRTC) and by the host launcher (src/api/quantize.cpp), so it uses built-in types only.
#pragma once

namespace fp8gemm {

// x [batches, rows, cols] (BF16, FP16 or FP32) -> q [batches, rows, cols] (E4M3) and FP32 scales, one per
// group: 1 x 128 (per token) or 128 x 128 (per block) elements along (rows, cols).
struct QuantizeParams {
  const void* x;
  void* q;
  float* scales;
  int rows, cols;                     // per batch: M (or N) and K
  long long x_stride_b, x_stride_r;   // elements of x; the column stride is 1
  long long q_stride_b, q_stride_r;   // bytes of q; the column stride is 1
  // scales[b * s_stride_b + r * s_stride_r + c * s_stride_c] for row r (per token) or row block r (per
  // block) and column block c: covers the MN-major TMA-aligned layout and row-major alike.
  long long s_stride_b, s_stride_r, s_stride_c;
  int pow2_scales;                    // non-zero: round every scale up to a power of two
};

constexpr int kQuantizeGroup = 128;    // columns per scale group (and rows per block)
constexpr int kQuantizeThreads = 256;  // threads per CTA of the per-token kernel (and the scalar per-block one)
// Per block: a CTA takes one 128 x 128 block. The vectorized kernel runs 512 threads of 4 vectors each
// rather than 256 of 8: twice the warps reduce, convert and store a block once it has arrived, 80.2-80.7%
// of the copy bandwidth against 78.9-79.3% on the H100 (bench/results/2026-11-26-h100-final.md). The
// scalar one keeps 256 (at 512, ptxas spills inside the division's slow-path subroutine).
constexpr int per_block_threads(bool vectorized) { return vectorized ? 512 : kQuantizeThreads; }
constexpr int kQuantizeVectorBytes = 16;

// Every thread handles one 16-byte vector of a row per pass. Lanes per 128-column group: 16 for 2-byte
// inputs, 32 for FP32.
constexpr int quantize_lanes_per_group(int element_bytes) {
  return kQuantizeGroup / (kQuantizeVectorBytes / element_bytes);
}

// Per token: a CTA quantizes a tile of rows x 128 columns, each thread kPerTokenPasses rows of it (their
// loads in flight together).
constexpr int kPerTokenPasses = 2;
constexpr int per_token_tile_rows(int element_bytes) {
  return kQuantizeThreads / quantize_lanes_per_group(element_bytes) * kPerTokenPasses;
}

}  // namespace fp8gemm
