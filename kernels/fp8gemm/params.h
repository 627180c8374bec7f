// Run-time arguments of the GEMM kernel. Included by the device code (NVRTC) and by the host launcher,
// so it uses built-in types only. Strides are in elements.
#pragma once

namespace fp8gemm {

struct GemmParams {
  // Rows of A/D per group: M (normal, contiguous) or max_m (masked).
  int m;
  int groups;
  // A scales, FP32, addressed as sa[g * sa_stride_g + row * sa_stride_m + kb * sa_stride_k]
  // (row-major and MN-major layouts alike).
  const float* sa;
  long long sa_stride_g, sa_stride_m, sa_stride_k;
  // B scales, FP32, contiguous [groups, ceil(N/128), ceil(K/128)].
  const float* sb;
  // D, BF16, addressed as d[g * d_stride_g + row * d_stride_m + col].
  void* d;
  long long d_stride_g, d_stride_m;
  // contiguous: the group of each row of A (-1 = padding); masked: rows per group. Else null.
  const int* m_indices;
  const int* masked_m;
};

}  // namespace fp8gemm

namespace fp8gemm {

enum class Layout : int { normal = 0, contiguous = 1, masked = 2 };

// Tiles of 192 or 256 columns run as 64-column wgmma parts, each into a scratch accumulator of its own;
// narrower tiles as one wgmma per k-step as wide as the tile (gemm.cuh). Both read A and B from shared
// memory. The kernel, the source generator and the SASS test all ask here.
constexpr int wgmma_parts(int block_n) { return block_n == 192 || block_n == 256 ? block_n / 64 : 1; }

// Whether a tile may overlap K blocks (kAcrossRun > 0): its two scratch accumulators and its FP32 output
// must fit in the math warpgroups' registers. Tiles of parts hold 64-column scratch; a one-part tile's
// scratch is as wide as the tile, 1.5 x BLOCK_N / 2 registers in all. Past 128 columns ptxas spills
// 48-336 bytes of stack (measured 0.3-0.98x as fast as without the overlap); at 120 and 128 columns with
// two math warpgroups 8-16 bytes, which cost nothing measurable.
constexpr bool k_blocks_can_overlap(int block_n) { return wgmma_parts(block_n) > 1 || block_n <= 128; }

// Columns the epilogue stages at a time. A 128x256 tile with 4 stages stages its columns in two rounds of
// 128, so that the 4th stage fits beside the staging tile; with 3 stages, and every other tile, the whole
// tile in one pass. The heuristic gives 128x256 tiles 4 stages only in problems of one or two waves, where
// the deeper first fill paid and no next tile's main loop waits for the rounds (experiment 52).
constexpr int staging_columns(int block_m, int block_n, int stages) {
  return block_m == 128 && block_n == 256 && stages >= 4 ? 128 : block_n;
}

// Shared-memory plan of one CTA, used by the kernel and by the host (launch size, heuristics).
// Per pipeline stage: the A tile and the B tile (FP8, 128-byte rows, 1024-byte aligned). Then one BF16
// staging tile of staging_columns for the epilogue (1024-byte aligned, so that a TMA store can
// read it with the 128-byte swizzle: tiles a multiple of 64 wide stage in 64-column boxes, rows of 128
// bytes; the others in rows of d_pitch bytes, a pitch that keeps the fragment stores free of bank
// conflicts), the A scales of each stage's rows, the (at most two) B scales of its columns, and the
// mbarriers.
struct SmemPlan {
  int a_bytes, b_bytes, sa_bytes, sb_bytes, d_pitch;
  int a_offset, b_offset, d_offset, sa_offset, sb_offset, barrier_offset, total;

  constexpr SmemPlan(int block_m, int block_n, int stages)
      : a_bytes(block_m * 128),
        b_bytes(block_n * 128),
        sa_bytes(block_m * 4),
        sb_bytes(16),
        d_pitch(block_n % 64 == 0 ? staging_columns(block_m, block_n, stages) * 2
                                  : block_n * 2 + ((block_n / 2) % 8 == 0 ? 16 : 0)),
        a_offset(0),
        // Each region right after the one before it (the members are initialized in this order).
        b_offset(a_offset + stages * a_bytes),
        d_offset(b_offset + stages * b_bytes),
        sa_offset(d_offset + block_m * d_pitch),
        sb_offset(sa_offset + stages * sa_bytes),
        barrier_offset(sb_offset + stages * sb_bytes),
        // Two 8-byte mbarriers per stage (full, empty). The kernel declares its dynamic shared memory
        // 1024-byte aligned: no slack.
        total(barrier_offset + stages * 16) {}
};

}  // namespace fp8gemm
