// The FP8 GEMM kernel with fine-grained scaling, for all three layouts:
//
//   D[row, col] (bf16) = Σ_kb  sa[row, kb] · sb[col/128, kb] · Σ_{k in kb} A[row, k] · B[col, k]
//
// Persistent CTAs, at most one per SM (pairs of CTAs in a cluster when they share the A block through TMA
// multicast; the host launches as many as the waves of tiles need, heuristics::grid_clusters). Warp
// specialisation: the last warpgroup produces (warp 0: TMA loads of the A and B tiles; warp 1: the
// scales, by small asynchronous copies) into a ring of shared-memory stages guarded by
// full/empty mbarriers; each math warpgroup owns 64 rows of the tile. Per K block of 128 a math
// warpgroup issues four wgmma m64nNk32 into a scratch accumulator, waits, frees the stage, and promotes
// the block's partial sums into FP32 registers scaled by sa·sb ("two-level accumulation": the tensor
// cores' FP8 accumulation is not full FP32). Tiles 192 or 256 wide do this per 64-column part, promoting
// one part while the next runs. Configs with a K-block run (kAcrossRun) also issue the next K block before
// promoting the previous one's last part. The epilogue converts to BF16 and stages the tile in shared
// memory (in one pass, or two rounds for a 128x256 tile with 4 stages); tiles a whole number of 64-column
// boxes wide leave it to TMA stores that run under the next tile's main loop, unless a warpgroup's 64 rows
// hold one the layout must not write: those, and narrower tiles, are written with 16-byte row-predicated
// stores, which serve every layout's rule about which rows may be written.
#pragma once

#include "fp8gemm/params.h"
#include "fp8gemm/ptx/copy.cuh"
#include "fp8gemm/ptx/sync.cuh"
#include "fp8gemm/ptx/wgmma.cuh"
#include "fp8gemm/ptx/types.cuh"
#include "fp8gemm/scheduler.cuh"

namespace fp8gemm {

// Register split after setmaxnreg: the producer warpgroup needs few; with one math warpgroup
// (BLOCK_M 64) it may take 240, with two 224 each (232 and a 40-register producer where the K blocks
// overlap: kAcrossBlocks). setmaxnreg moves registers within the CTA's pool, which is what the launch
// gave it (the kernel's count, 168 at 384 threads, times the threads): a split that asks for more
// blocks the math warpgroups' setmaxnreg.inc for ever. The kernel checks its split against the pool.
constexpr u32 kProducerRegisters = 56;

// A position in the ring of pipeline stages: the stage and the parity of its barriers' current phase.
// The producers and the math warpgroups each carry one, K block after K block and tile after tile, in
// the same order (no division by the stage count per K block).
template <int kStages>
struct RingPosition {
  int stage = 0;
  u32 phase = 0;
  __device__ __forceinline__ void advance() {
    if (++stage == kStages) {
      stage = 0;
      phase ^= 1;
    }
  }
};

// A compile-time int passed to a generic lambda (NVRTC has no <type_traits>), and a loop over them.
template <int kValue>
struct IntTag {
  static constexpr int value = kValue;
};

template <int kBegin, int kEnd, class F>
__device__ __forceinline__ void static_for(F&& f) {
  if constexpr (kBegin < kEnd) {
    f(IntTag<kBegin>{});
    static_for<kBegin + 1, kEnd>(f);
  }
}

// Mma: the generated wgmma E4M3 instruction, m64nNk32 with both operands in shared memory
// (static void mma(u64 desc_a, u64 desc_b, float* acc, bool accumulate)), N = BLOCK_N, or 64 for tiles
// of 64-column parts (wgmma_parts, params.h).
// kCheckIndices (contiguous only): print the rows whose m_indices entry is outside [-1, groups); a
// debugging build of the kernel (FP8GEMM_CHECK_INDICES=1), kept apart because printf needs a stack frame.
// kBandRows: m blocks per band of the scheduler's raster (scheduler.cuh).
// kTmaStore (BLOCK_N a multiple of 64): the epilogue writes D with TMA stores of 64x64 boxes (tma_d: D
// as a 3-D BF16 tensor [groups, rows, N], 128-byte swizzle), which run while the warpgroup goes on to
// its next tile, wherever all 64 rows of the warpgroup's box may be written; otherwise by
// row-predicated 16-byte stores (without kTmaStore, tma_d is unused).
template <Layout kLayout, int kN, int kK, int kBlockM, int kBlockN, int kStages, int kCluster, bool kCheckIndices,
          bool kTmaStore, int kAcrossRun, int kBandRows, class Mma>
__device__ __forceinline__ void gemm(const TmaDescriptor* tma_a, const TmaDescriptor* tma_b,
                                     const TmaDescriptor* tma_d, const GemmParams& p) {
  constexpr int kBlockK = 128;
  constexpr int kKBlocks = (kK + kBlockK - 1) / kBlockK;
  constexpr int kNScaleBlocks = (kN + 127) / 128;
  constexpr int kMathWarpgroups = kBlockM / 64;
  constexpr int kMathThreads = 128 * kMathWarpgroups;
  // Tiles of 192 or 256 columns run as 64-column parts pipelined through two scratch accumulators: part
  // p+1 runs on the tensor cores while part p is promoted. Their n192/n256 scratch accumulators would not
  // fit beside the FP32 output. Every part reads A from shared memory, as narrower tiles (one wgmma per
  // k-step) do. With A in registers (wgmma's RS form, loaded once per K block) the kernel ran 1-6% slower
  // at M=4096 (5% at N=7168 K=16384; bench/results/experiments-2026-11-26, experiment 46), although it
  // read a quarter of the shared memory for A. Presumably the tensor cores' register reads of A compete
  // with the promotion's FFMAs, which read three registers each (experiment 42).
  constexpr int kParts = wgmma_parts(kBlockN);
  constexpr bool kSplitParts = kParts > 1;
  // kAcrossRun > 0: the last part of one K block still runs while the next block's first part is
  // issued (one-part tiles: the whole block), in straight-line runs of kAcrossRun blocks; the parts
  // alternate two scratch accumulators through the whole run.
  constexpr bool kAcrossBlocks = kAcrossRun > 0;
  // A block's stage is released only after the next block's stage has been waited for.
  static_assert(!kAcrossBlocks || kStages >= 2, "K-block overlap needs two stages or more");
  static_assert(!kAcrossBlocks || k_blocks_can_overlap(kBlockN), "K-block overlap: scratch would not fit in registers");
  constexpr u32 kProducerRegs = kAcrossBlocks ? 40 : kProducerRegisters;
  constexpr u32 kMathRegs = kMathWarpgroups == 1 ? 240 : kAcrossBlocks ? 232 : 224;
  // The pool: per thread, 65536 over the threads in steps of 8 (at most 248), times the threads.
  constexpr u32 kThreads = 128 * (kMathWarpgroups + 1);
  constexpr u32 kLaunchRegs = (65536 / kThreads / 8 * 8) < 248 ? (65536 / kThreads / 8 * 8) : 248;
  static_assert(kMathRegs * 128 * kMathWarpgroups + kProducerRegs * 128 <= kLaunchRegs * kThreads,
                "setmaxnreg split exceeds the registers the launch gives the CTA");
  constexpr int kPartN = kBlockN / kParts;
  constexpr int kAccumulators = kPartN / 2;  // per thread: m64nN FP32 fragment of one wgmma
  constexpr int kOutputs = kBlockN / 2;
  constexpr int kStagingColumns = staging_columns(kBlockM, kBlockN, kStages);
  // Whether a part's columns can straddle two 128-wide B-scale blocks (its width not dividing 128).
  constexpr bool kTwoScales = (128 % kPartN) != 0;
  constexpr SmemPlan plan(kBlockM, kBlockN, kStages);
  static_assert(kBlockM == 64 || kBlockM == 128, "BLOCK_M is 64 or 128");
  static_assert(kBlockN % 8 == 0 && kBlockN >= 8 && (kBlockN <= 160 || kSplitParts), "wgmma N");
  static_assert(kCluster == 1 || kCluster == 2, "cluster of 1 or 2");
  static_assert(!kTmaStore || kBlockN % 64 == 0, "TMA-store epilogue: whole 64-column boxes");
  static_assert(plan.sa_offset % 16 == 0 && plan.sa_bytes % 16 == 0, "A scales: 16-byte copies need aligned slots");
  // The index-checking build reports rows from the predicated stores, so it always takes them.
  constexpr bool kTma = kTmaStore && !kCheckIndices;

  // The tiles need 1024-byte alignment (128-byte swizzle). Declared so, the dynamic shared memory starts
  // on a 1024-byte boundary: no slack in the plan, and no rounding of the base in every K block (ptxas
  // rematerialized it there). Checked once below.
  extern __shared__ __align__(1024) u8 smem[];
  auto smem_a = [&](int s) { return smem + plan.a_offset + s * plan.a_bytes; };
  auto smem_b = [&](int s) { return smem + plan.b_offset + s * plan.b_bytes; };
  auto smem_sa = [&](int s) { return reinterpret_cast<float*>(smem + plan.sa_offset + s * plan.sa_bytes); };
  auto smem_sb = [&](int s) { return reinterpret_cast<float*>(smem + plan.sb_offset + s * plan.sb_bytes); };
  u64* full = reinterpret_cast<u64*>(smem + plan.barrier_offset);
  u64* empty = full + kStages;

  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int cta_rank = kCluster == 1 ? 0 : static_cast<int>(ptx::cluster_cta_rank());
  const int first_unit = kCluster == 1 ? blockIdx.x : static_cast<int>(ptx::cluster_id());
  const int unit_stride = kCluster == 1 ? gridDim.x : static_cast<int>(ptx::num_clusters());

  if (threadIdx.x == kMathThreads) {
    if (smem_addr(smem) % 1024 != 0) __trap();  // never expected: the swizzled tiles would be garbage
    ptx::prefetch_tma_descriptor(tma_a);
    ptx::prefetch_tma_descriptor(tma_b);
    if constexpr (kTma) ptx::prefetch_tma_descriptor(tma_d);
    for (int s = 0; s < kStages; ++s) {
      // full: the TMA thread's arrive.expect_tx + one cp.async arrival per lane of the scale warp.
      ptx::mbarrier_init(&full[s], 1 + 32);
      // empty: one arrival per math warp of every CTA whose loads write into this stage.
      ptx::mbarrier_init(&empty[s], kCluster * kMathThreads / 32);
    }
    ptx::fence_barrier_init();
  }
  if constexpr (kCluster > 1) {
    ptx::cluster_sync();
  } else {
    __syncthreads();
  }

  if (threadIdx.x >= kMathThreads) {
    // ---------------------------------------------------------------- producer warpgroup
    ptx::release_registers<kProducerRegs>();
    const int producer_warp = warp - kMathThreads / 32;
    Scheduler<kLayout, kN, kBlockM, kBlockN, kCluster, kCheckIndices, kBandRows> scheduler(p, first_unit, unit_stride, cta_rank);
    Tile tile;
    RingPosition<kStages> ring;
    if (producer_warp == 0 && lane == 0) {
      // A and B tiles through TMA. With a cluster, each CTA loads half of the shared A block and
      // multicasts it to both CTAs.
      while (scheduler.next(tile)) {
#pragma unroll 1  // a lean loop: the producers run on few registers (see kProducerRegisters)
        for (int kb = 0; kb < kKBlocks; ++kb) {
          const int s = ring.stage;
          ptx::mbarrier_wait(&empty[s], ring.phase ^ 1);
          ptx::mbarrier_arrive_expect_tx(&full[s], plan.a_bytes + plan.b_bytes);
          if constexpr (kCluster == 1) {
            ptx::tma_load_2d(tma_a, &full[s], smem_a(s), kb * kBlockK, tile.a_row);
          } else {
            constexpr int kHalf = kBlockM / 2;
            ptx::tma_load_2d_multicast(tma_a, &full[s], smem_a(s) + cta_rank * kHalf * kBlockK, kb * kBlockK,
                                       tile.a_row + cta_rank * kHalf, 0x3);
          }
          ptx::tma_load_2d(tma_b, &full[s], smem_b(s), kb * kBlockK, tile.b_row);
          ring.advance();
        }
      }
    } else if (producer_warp == 1) {
      // Scales: sa for the tile's rows (any strides: row-major or MN-major), and the one or two B-scale
      // blocks its columns fall in. Rows past the tensor read as 0.
      // MN-major A scales whose groups of four rows are 16-byte aligned (consecutive rows, and the K-block
      // and group strides multiples of 4) are copied four rows per lane in one 16-byte cp.async, zero-filled
      // past the tensor through its source size; other layouts take one 4-byte copy per row. Experiment 56: the
      // 4-byte copies cost up to 3.4%.
      const bool sa_by_16 = p.sa_stride_m == 1 && p.sa_stride_k % 4 == 0 && p.sa_stride_g % 4 == 0 &&
                            reinterpret_cast<u64>(p.sa) % 16 == 0;
      while (scheduler.next(tile)) {
        const float* sa = p.sa + tile.scale_group * p.sa_stride_g;
        const i64 sa_step = p.sa_stride_k;
        const int n0 = tile.n_block * kBlockN;
        const int sb_block = lane == 0 ? n0 / 128 : min((n0 + kBlockN - 1) / 128, kNScaleBlocks - 1);
        const float* sb = p.sb + (static_cast<i64>(tile.group) * kNScaleBlocks + sb_block) * kKBlocks;
        // The tile's K blocks; copy_sa(s) copies this lane's share of the block's A scales into stage s.
        auto k_blocks = [&](auto&& copy_sa) {
#pragma unroll 1  // a lean loop: the producers run on few registers (see kProducerRegisters)
          for (int kb = 0; kb < kKBlocks; ++kb) {
            const int s = ring.stage;
            ptx::mbarrier_wait(&empty[s], ring.phase ^ 1);
            copy_sa(s);
            if (lane < 2) ptx::cp_async_4(smem_sb(s) + lane, sb + kb, true);
            ptx::cp_async_arrive(&full[s]);
            ring.advance();
          }
        };
        if (sa_by_16) {
          // Lane l: rows 4l to 4l + 3 of the tile (lanes past BLOCK_M / 4 copy nothing).
          const int row = tile.row + 4 * lane;
          const int bytes = lane < kBlockM / 4 ? 4 * max(0, min(4, p.m - row)) : 0;
          const float* sa_rows = bytes > 0 ? sa + row : p.sa;
          k_blocks([&](int s) {
            if (lane < kBlockM / 4) ptx::cp_async_16(smem_sa(s) + 4 * lane, sa_rows, bytes);
            if (bytes > 0) sa_rows += sa_step;
          });
        } else {
          // This lane's rows (lane, lane + 32, ...): where their K block's scale is, stepped by the K-block
          // stride, so that a K block costs a pointer add per row rather than the address arithmetic.
          constexpr int kRowsPerLane = kBlockM / 32;
          const float* sa_row[kRowsPerLane];
          bool in_tensor[kRowsPerLane];
#pragma unroll
          for (int r = 0; r < kRowsPerLane; ++r) {
            const int row = tile.row + lane + 32 * r;
            in_tensor[r] = row < p.m;
            sa_row[r] = in_tensor[r] ? sa + static_cast<i64>(row) * p.sa_stride_m : p.sa;
          }
          k_blocks([&](int s) {
#pragma unroll
            for (int r = 0; r < kRowsPerLane; ++r) {
              // Rows past the tensor copy nothing (zero fill) from p.sa, which stays put.
              ptx::cp_async_4(smem_sa(s) + lane + 32 * r, sa_row[r], in_tensor[r]);
              if (in_tensor[r]) sa_row[r] += sa_step;
            }
          });
        }
      }
    }
    __syncwarp();
  } else {
    // ---------------------------------------------------------------- math warpgroups
    ptx::claim_registers<kMathRegs>();
    // Visibly the same in every lane of a warp, so that the warpgroup's A descriptor can live in uniform
    // registers (up to 18 fewer instructions per K block, and no R2UR per wgmma in the tiles of parts).
    const int wg = __shfl_sync(0xffffffffu, static_cast<int>(threadIdx.x / 128), 0);
    const int wg_thread = threadIdx.x % 128;
    // This thread's rows of the m64 fragment (and +8), relative to the warpgroup's 64 rows.
    const int frag_row = (warp % 4) * 16 + lane / 4;
    const int frag_col = (lane % 4) * 2;
    u8* staging = smem + plan.d_offset + wg * 64 * plan.d_pitch;
    Scheduler<kLayout, kN, kBlockM, kBlockN, kCluster, kCheckIndices, kBandRows> scheduler(p, first_unit, unit_stride, cta_rank,
                                                                threadIdx.x == 0);
    Tile tile;
    float acc[kSplitParts || kAcrossBlocks ? 2 : 1][kAccumulators];
    float out[kOutputs];
    RingPosition<kStages> ring;

    // This thread's A scale in stage 0 (its second row is 8 further). Tiles of parts hold the address in
    // a register through an empty asm: ptxas otherwise recomputes it from the thread index in every K
    // block to save the register.
    u32 sa_address = smem_addr(smem_sa(0) + wg * 64 + frag_row);
    if constexpr (kSplitParts) asm volatile("" : "+r"(sa_address));
    (void)sa_address;  // one-part tiles read sa through smem_sa
    // Descriptors are linear in the tile address (bits 0-13 hold address / 16, the rest is constant):
    // stage 0's, plus constant offsets per stage, part and k-step, rather than one built per wgmma.
    const u64 desc_a0 = ptx::smem_descriptor_sw128(smem_a(0) + wg * 64 * kBlockK);
    const u64 desc_b0 = ptx::smem_descriptor_sw128(smem_b(0));
    auto desc_offset = [](int bytes) { return static_cast<u64>(bytes >> 4); };

    struct Scales {
      float a0, a1, b0, b1;  // sa of this thread's two rows, sb of the tile's first and second 128 columns
    };
    auto read_scales = [&](int s) {
      if constexpr (kSplitParts) {
        const u32 at = sa_address + s * plan.sa_bytes;
        return Scales{ptx::ld_shared_f32(at), ptx::ld_shared_f32(at + 8 * 4), smem_sb(s)[0], smem_sb(s)[1]};
      } else {
        return Scales{smem_sa(s)[wg * 64 + frag_row], smem_sa(s)[wg * 64 + frag_row + 8], smem_sb(s)[0],
                      smem_sb(s)[1]};
      }
    };
    // The stage's tiles and scales have been read: give it back to the producers of every CTA that
    // writes into it.
    auto release = [&](int s) {
      if (lane < kCluster) {
        if constexpr (kCluster == 1) {
          ptx::mbarrier_arrive(&empty[s]);
        } else {
          ptx::mbarrier_arrive_cluster(&empty[s], lane);
        }
      }
    };
    // sa * sb of this thread's rows r and r + 8, for a part's columns in the first B-scale block it
    // touches (first0/1) and in the second (second0/1; only where a part can straddle two). part0: the
    // part's first column within its first B-scale block.
    struct ScaleProducts {
      float first0, first1, second0, second1;
    };
    auto scale_products = [](const Scales& sc, int part0) {
      const float b = part0 < 128 ? sc.b0 : sc.b1;
      return ScaleProducts{sc.a0 * b, sc.a1 * b, sc.a0 * sc.b1, sc.a1 * sc.b1};
    };
    // out[part's columns] += scratch * sa * sb, with the B scale of the 128-column block each 8 columns
    // fall in.
    auto promote_scaled = [&](float* scratch, int part, int part0, const ScaleProducts& sp) {
#pragma unroll
      for (int r = 0; r < kAccumulators; ++r) ptx::fence_register(scratch[r]);
      float* target = out + part * kAccumulators;
#pragma unroll
      for (int j = 0; j < kPartN / 8; ++j) {
        const bool first = !kTwoScales || part0 + j * 8 < 128;
        const float s0 = first ? sp.first0 : sp.second0;
        const float s1 = first ? sp.first1 : sp.second1;
        target[j * 4 + 0] += scratch[j * 4 + 0] * s0;
        target[j * 4 + 1] += scratch[j * 4 + 1] * s0;
        target[j * 4 + 2] += scratch[j * 4 + 2] * s1;
        target[j * 4 + 3] += scratch[j * 4 + 3] * s1;
      }
    };
    auto promote = [&](float* scratch, int part, const Scales& sc, int n0_in_scale_block) {
      const int part0 = n0_in_scale_block + part * kPartN;
      promote_scaled(scratch, part, part0, scale_products(sc, part0));
    };
    auto wgmma_begin = [&](float* scratch) {
#pragma unroll
      for (int r = 0; r < kAccumulators; ++r) ptx::fence_register(scratch[r]);
      ptx::wgmma_fence();
    };

    // The contiguous scheduler's tile depends on loaded indices: passed through warp-wide operations it
    // is visibly the same in every lane, which keeps the K loop's descriptors in uniform registers.
    auto next_tile = [&] {
      if constexpr (kLayout == Layout::contiguous) {
        const bool more = __all_sync(0xffffffffu, scheduler.next(tile));
        tile.group = __shfl_sync(0xffffffffu, tile.group, 0);
        return more;
      } else {
        return scheduler.next(tile);
      }
    };
    while (next_tile()) {
      const int n0 = tile.n_block * kBlockN;
      // Contiguous TMA-store epilogue: the expert of the row this thread asks about (see whole_box below), loaded
      // now so that its latency hides behind the K loop instead of stalling the epilogue (~400 cycles a tile,
      // experiment 62). No lane branches around the load: rows past the tensor read the last row.
      int epilogue_row_group = 0;
      if constexpr (kTma && kLayout == Layout::contiguous)
        epilogue_row_group = __ldg(p.m_indices + min(tile.row + wg * 64 + wg_thread % 64, p.m - 1));
      const int n0_in_scale_block = n0 % 128;
#pragma unroll
      for (int i = 0; i < kOutputs; ++i) out[i] = 0.0f;
      // kAcrossBlocks: the previous K block's stage and scales, for its last part, promoted once the
      // next block's first part has been issued.
      int previous_stage = 0;
      ScaleProducts previous{};  // its last part's
      constexpr int kLastPart0 = (kParts - 1) * kPartN;  // the last part's first column within the tile
      auto promote_previous = [&](float* scratch) {
        promote_scaled(scratch, kParts - 1, n0_in_scale_block + kLastPart0, previous);
      };
      // The previous block's last part has completed (wait_group 1: the wgmmas just issued may run on).
      auto finish_previous = [&](float* scratch) {
        ptx::wgmma_wait<1>();
        release(previous_stage);
        promote_previous(scratch);
      };
      auto keep_previous = [&](int s, const Scales& sc) {
        previous_stage = s;
        previous = scale_products(sc, n0_in_scale_block + kLastPart0);
      };

      // One K block, the `position`-th of its run (always 0 without kAcrossBlocks). Part p of the block
      // at position i uses scratch (i * kParts + p) % 2.
      auto k_block = [&](auto position) {
        constexpr int kPosition = decltype(position)::value;
        constexpr bool kAcross = kPosition > 0;
        constexpr int kFirstScratch = (kPosition * kParts) % 2;
        const int s = ring.stage;
        ptx::mbarrier_wait(&full[s], ring.phase);
        const Scales sc = read_scales(s);
        const u64 desc_a_stage = desc_a0 + desc_offset(s * plan.a_bytes);
        const u64 desc_b_stage = desc_b0 + desc_offset(s * plan.b_bytes);
        if constexpr (kSplitParts) {
          // The parts back to back: wait_group 1 lets part p be promoted while part p+1 runs. Past position 0
          // the previous block's last part is still running: this block's first part goes to the other
          // scratch, then that last part is promoted. (This loop would serve one-part tiles too, but ptxas
          // then schedules some one-warpgroup tiles differently, 64x16 and 64x64 among them, which was never
          // timed: they keep the branch below, whose SASS is that of the kernels measured before.)
#pragma unroll
          for (int part = 0; part < kParts; ++part) {
            float* scratch = acc[(kFirstScratch + part) % 2];
            wgmma_begin(scratch);
#pragma unroll
            for (int k = 0; k < kBlockK / 32; ++k) {
              const u64 desc_a = desc_a_stage + desc_offset(k * 32);
              const u64 desc_b = desc_b_stage + desc_offset(part * kPartN * kBlockK + k * 32);
              Mma::mma(desc_a, desc_b, scratch, k > 0);
            }
            ptx::wgmma_commit();
            if (part == 0) {
              if constexpr (kAcross) finish_previous(acc[1 - kFirstScratch]);
            } else {
              ptx::wgmma_wait<1>();
              promote(acc[(kFirstScratch + part - 1) % 2], part - 1, sc, n0_in_scale_block);
            }
          }
          if constexpr (kAcrossBlocks) {
            keep_previous(s, sc);  // the last part's scale products, folded in now
          } else {
            // Nothing stays in flight across the K loop's back edge.
            ptx::wgmma_wait<0>();
            release(s);
            promote(acc[(kParts - 1) % 2], kParts - 1, sc, n0_in_scale_block);
          }
        } else {
          wgmma_begin(acc[kFirstScratch]);
#pragma unroll
          for (int k = 0; k < kBlockK / 32; ++k) {
            const u64 desc_a = desc_a_stage + desc_offset(k * 32);
            const u64 desc_b = desc_b_stage + desc_offset(k * 32);
            Mma::mma(desc_a, desc_b, acc[kFirstScratch], k > 0);
          }
          ptx::wgmma_commit();
          if constexpr (kAcrossBlocks) {
            if constexpr (kAcross) finish_previous(acc[1 - kFirstScratch]);  // while this block runs
            keep_previous(s, sc);
          } else {
            ptx::wgmma_wait<0>();
            release(s);
            promote(acc[0], 0, sc, n0_in_scale_block);
          }
        }
        ring.advance();
      };
      if constexpr (kAcrossBlocks) {
        // Runs of kAcrossRun K blocks, each run straight-line code that ends with every wgmma done:
        // ptxas keeps the wgmma pipeline across blocks inside a run, but serializes every wgmma (C7514)
        // if a group is still in flight at a loop's back edge when its accumulators are read after it.
        // A run of `blocks` K blocks, then its last part (scratch (blocks * kParts - 1) % 2) completed.
        auto run = [&](auto blocks) {
          constexpr int kBlocks = decltype(blocks)::value;
          static_for<0, kBlocks>(k_block);
          ptx::wgmma_wait<0>();
          release(previous_stage);
          promote_previous(acc[(kBlocks * kParts - 1) % 2]);
        };
        constexpr int kRuns = kKBlocks / kAcrossRun, kRest = kKBlocks % kAcrossRun;
#pragma unroll 1
        for (int r = 0; r < kRuns; ++r) run(IntTag<kAcrossRun>{});
        if constexpr (kRest > 0) run(IntTag<kRest>{});
      } else {
        for (int kb = 0; kb < kKBlocks; ++kb) k_block(IntTag<0>{});
      }

      // Epilogue: BF16 fragments -> the warpgroup's staging tile -> D, by TMA stores of 64x64 boxes where
      // all 64 rows of the warpgroup may be written (rows past the tensor count: TMA skips them), else by
      // 16-byte stores of the rows this layout may write. With kTmaStore the staging tile is in TMA's
      // 128-byte swizzle (16-byte chunk c of a 128-byte row r at chunk c ^ (r % 8), 64-column boxes one
      // after the other), otherwise rows of d_pitch bytes.
      auto staging_chunk = [&](int r, int chunk) {
        if constexpr (kTmaStore) {
          return staging + (chunk / 8) * (64 * 128) + r * 128 + (((chunk % 8) ^ (r % 8)) << 4);
        } else {
          return staging + r * plan.d_pitch + chunk * 16;
        }
      };
      // The staging tile may be rewritten once the previous tile's stores have read it.
      if (kTma && wg_thread == 0) ptx::bulk_wait_read<0>();
      bool whole_box = false;
      if constexpr (kTma && kLayout == Layout::contiguous) {
        // Rows of another group (or -1) may sit anywhere in the box: every row is asked, each by two
        // threads (epilogue_row_group, loaded at the tile's start).
        const int row = tile.row + wg * 64 + wg_thread % 64;
        const bool row_ok = row >= p.m || epilogue_row_group == tile.group;
        whole_box = ptx::named_barrier_and(1 + wg, 128, row_ok);
      } else if constexpr (kTma) {
        ptx::named_barrier_sync(1 + wg, 128);
        // Masked: rows from masked_m (rows_end) on are not written, but those past max_m (p.m) do not
        // exist and TMA skips them.
        whole_box = kLayout == Layout::normal || tile.row + wg * 64 + 64 <= tile.rows_end || tile.rows_end >= p.m;
      }
      // The same in every lane, and now visibly so to the compiler: a branch it must treat as divergent
      // would cost the K loop its uniform-register descriptors.
      if constexpr (kTma && kLayout != Layout::normal) whole_box = __all_sync(0xffffffffu, whole_box);
      // The tile's columns go through the staging tile in rounds of kStagingColumns (one round but for
      // 128x256 tiles with 4 stages).
      static_for<0, kBlockN / kStagingColumns>([&](auto round) {
        constexpr int kRound = decltype(round)::value;
        constexpr int kCol0 = kRound * kStagingColumns;  // the round's first column within the tile
        if (kRound > 0 && kTma && whole_box) {
          // The previous round's stores must have read the staging tile (the predicated path ends
          // its rounds with a barrier instead).
          if (wg_thread == 0) ptx::bulk_wait_read<0>();
          ptx::named_barrier_sync(1 + wg, 128);
        }
        // The fragments: 8-column group kCol0 / 8 + j of rows frag_row and frag_row + 8, staged as group j.
        if constexpr (kTmaStore) {
          // Groups j and j + 1 (j even) of the warp's 16 rows go in one stmatrix.x4: matrix i holds rows
          // 8 * (i % 2) to 8 * (i % 2) + 7 of group j + i / 2, and lane l gives the address of row l % 8 of
          // matrix l / 8. Group j is 16-byte chunk j % 8 of 64-column box j / 8, at chunk (j % 8) ^ (row % 8)
          // of its row; j % 8 is even, so a lane's chunk is ((j % 8) ^ (l / 16) ^ (l % 8)): one XOR with a
          // constant away from the lane's base. Built here, after an empty asm, so that it is not hoisted.
          const int st_row = (warp % 4) * 16 + 8 * ((lane / 8) % 2) + lane % 8;
          u32 base = smem_addr(staging) + st_row * 128 + (((lane / 16) ^ (lane % 8)) << 4);
          asm volatile("" : "+r"(base));
          static_for<0, kStagingColumns / 16>([&](auto pair) {
            constexpr int j = 2 * decltype(pair)::value;
            constexpr int f = kCol0 / 8 + j;
            constexpr int kBox = (j / 8) * (64 * 128);
            const u32 at = base ^ ((j % 8) << 4);
            ptx::stmatrix_x4_at<kBox>(at, ptx::pack_bf16x2(out[f * 4 + 0], out[f * 4 + 1]),
                                      ptx::pack_bf16x2(out[f * 4 + 2], out[f * 4 + 3]),
                                      ptx::pack_bf16x2(out[f * 4 + 4], out[f * 4 + 5]),
                                      ptx::pack_bf16x2(out[f * 4 + 6], out[f * 4 + 7]));
          });
        } else {
#pragma unroll
          for (int j = 0; j < kStagingColumns / 8; ++j) {
            const int f = kCol0 / 8 + j;
            ptx::st_shared_u32(staging_chunk(frag_row, j) + frag_col * 2,
                               ptx::pack_bf16x2(out[f * 4 + 0], out[f * 4 + 1]));
            ptx::st_shared_u32(staging_chunk(frag_row + 8, j) + frag_col * 2,
                               ptx::pack_bf16x2(out[f * 4 + 2], out[f * 4 + 3]));
          }
        }
        if (kTma && whole_box) {
          ptx::fence_proxy_async_shared();
          ptx::named_barrier_sync(1 + wg, 128);
          if (wg_thread == 0) {
#pragma unroll
            for (int box = 0; box < kStagingColumns / 64; ++box)
              ptx::tma_store_3d(tma_d, staging + box * (64 * 128), n0 + kCol0 + box * 64, tile.row + wg * 64,
                                tile.scale_group);
            ptx::bulk_commit();
          }
        } else {
          ptx::named_barrier_sync(1 + wg, 128);
          constexpr int kChunks = kStagingColumns / 8;  // 16-byte chunks per staged row
          u8* d = static_cast<u8*>(p.d) + tile.scale_group * p.d_stride_g * 2;
#pragma unroll
          for (int c = wg_thread; c < 64 * kChunks; c += 128) {
            const int r = c / kChunks;
            const int chunk = c % kChunks;
            const int row = tile.row + wg * 64 + r;
            const int col = n0 + kCol0 + chunk * 8;
            bool write = row < tile.rows_end && col < kN;
            if constexpr (kLayout == Layout::contiguous) {
              if (write) {
                const int index = __ldg(p.m_indices + row);
                if (kCheckIndices && chunk == 0 && kRound == 0 && (index < -1 || index >= p.groups))
                  printf("fp8gemm: m_indices[%d] = %d is outside [-1, %d); the row was skipped\n", row, index,
                         p.groups);
                write = index == tile.group;
              }
            }
            if (write) {
              const ptx::u32x4 v = ptx::ld_shared_v4(staging_chunk(r, chunk));
              ptx::st_global_v4(d + (static_cast<i64>(row) * p.d_stride_m + col) * 2, v);
            }
          }
          // The staging tile is free again once every thread of the warpgroup has read its part.
          ptx::named_barrier_sync(1 + wg, 128);
        }
      });
    }
    // The CTA's shared memory must outlive the reads of its last TMA stores.
    if constexpr (kTma) {
      if (wg_thread == 0) ptx::bulk_wait_all();
    }
  }

  if constexpr (kCluster > 1) {
    // Neither CTA may exit while its peer can still multicast into its shared memory or arrive on
    // its barriers.
    ptx::cluster_sync();
  }
}

}  // namespace fp8gemm
