// The one tile scheduler of the three layouts. Every role of a CTA (TMA producer, scale loader, math
// warpgroups) runs its own copy and gets the same sequence of tiles.
//
// Work is cut into units: one BLOCK_M x BLOCK_N output tile, or with a cluster of 2 a BLOCK_M x
// 2*BLOCK_N pair whose two CTAs share the A block (TMA multicast). Units are handed out round-robin to
// the persistent clusters and visited in bands of kBandRows m blocks, so one wave of tiles touches few A
// and B blocks and they are reused from L2.
#pragma once

#include "fp8gemm/params.h"
#include "fp8gemm/ptx/types.cuh"

namespace fp8gemm {

struct Tile {
  int group;       // expert (0 for the normal layout)
  int n_block;
  int row;         // first row of the tile: within the group (masked), within A (normal, contiguous)
  int rows_end;    // rows [row, rows_end) may be written (contiguous: also filtered by m_indices)
  int a_row;       // first row in the 2-D TMA view of A
  int b_row;       // first row in the 2-D TMA view of B ([groups * N, K])
  int scale_group; // group index for sa and D addressing (masked), else 0
};

template <Layout kLayout, int kN, int kBlockM, int kBlockN, int kCluster, bool kCheckIndices, int kBandRows>
struct Scheduler {
  static constexpr int kNBlocks = (kN + kBlockN - 1) / kBlockN;
  static constexpr int kNUnits = kNBlocks / kCluster;
  static_assert(kNBlocks % kCluster == 0, "cluster pairs need an even number of n blocks");

  const GemmParams& p;
  int next_unit;
  const int unit_stride;
  const int rank;  // CTA rank in the cluster: which n block of the pair
  const bool report;  // this copy prints the rows that the index check finds (one thread per CTA)
  // Masked layout: the group the walk is in and the units of the groups before it.
  int walk_group = 0;
  int walk_units_before = 0;

  __device__ Scheduler(const GemmParams& params, int first_unit, int stride, int cta_rank, bool reporter = false)
      : p(params), next_unit(first_unit), unit_stride(stride), rank(cta_rank), report(reporter) {}

  __device__ static int ceil_div(int a, int b) { return (a + b - 1) / b; }

  __device__ int masked_rows(int g) const {
    const int m = __ldg(p.masked_m + g);
    return m < 0 ? 0 : (m > p.m ? p.m : m);
  }

  // Unit `u` of a problem with m_blocks rows of tiles -> (m block, n block), rasterized in bands.
  __device__ void rasterize(int u, int m_blocks, int& m_block, int& n_block) const {
    const int band_units = kBandRows * kNUnits;
    const int band = u / band_units;
    const int in_band = u - band * band_units;
    const int band_rows = min(kBandRows, m_blocks - band * kBandRows);
    m_block = band * kBandRows + in_band % band_rows;
    n_block = (in_band / band_rows) * kCluster + rank;
  }

  // The next tile of this CTA; false when there is none left.
  __device__ bool next(Tile& t) {
    while (true) {
      const int u = next_unit;
      next_unit += unit_stride;
      int m_block, n_block;
      if constexpr (kLayout == Layout::masked) {
        // Find the group holding unit u (u only grows, so the walk is linear over the whole run).
        while (true) {
          if (walk_group >= p.groups) return false;
          const int units = ceil_div(masked_rows(walk_group), kBlockM) * kNUnits;
          if (u < walk_units_before + units) break;
          walk_units_before += units;
          ++walk_group;
        }
        const int rows = masked_rows(walk_group);
        rasterize(u - walk_units_before, ceil_div(rows, kBlockM), m_block, n_block);
        t.group = walk_group;
        t.scale_group = walk_group;
        t.row = m_block * kBlockM;
        t.rows_end = rows;
        t.a_row = walk_group * p.m + t.row;
      } else {
        const int m_blocks = ceil_div(p.m, kBlockM);
        if (u >= m_blocks * kNUnits) return false;
        rasterize(u, m_blocks, m_block, n_block);
        t.row = m_block * kBlockM;
        t.rows_end = p.m;
        t.a_row = t.row;
        t.scale_group = 0;
        t.group = 0;
        if constexpr (kLayout == Layout::contiguous) {
          // A block belongs to the expert of its first row; padding blocks (-1) and indices outside
          // [0, groups) are skipped without any math.
          t.group = __ldg(p.m_indices + t.row);
          if (t.group < 0 || t.group >= p.groups) {
            // Reported by the one CTA that meets the block at n block 0 (with a cluster, its pair's
            // other CTA meets it at n block 1).
            if (kCheckIndices && report && t.group != -1 && n_block == 0)
              printf("fp8gemm: m_indices[%d] = %d is outside [-1, %d); its block was skipped\n", t.row, t.group,
                     p.groups);
            continue;
          }
        }
      }
      t.n_block = n_block;
      t.b_row = t.group * kN + n_block * kBlockN;
      return true;
    }
  }
};

}  // namespace fp8gemm
