// Kernel configurations and the heuristic that picks one: pure functions, no CUDA calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../../kernels/fp8gemm/params.h"  // Layout and the shared-memory plan, shared with the kernel

namespace fp8gemm::heuristics {

using fp8gemm::Layout;
const char* layout_name(Layout l);

struct DeviceFacts {
  int num_sms = 132;                  // SMs the persistent grid may use
  int smem_per_block = 232448;        // opt-in dynamic shared memory per block (bytes)
};

// The tile scheduler's band height unless the heuristic or FP8GEMM_CONFIG's BAND_ROWS says otherwise; kernel names
// leave it out.
constexpr int kDefaultBandRows = 16;

// Everything that is a compile-time constant of one kernel, plus the launch facts derived from it.
struct KernelConfig {
  Layout layout = Layout::normal;
  int n = 0, k = 0;          // compile-time problem constants
  int block_m = 128, block_n = 128, block_k = 128;
  int stages = 4;
  int cluster = 1;           // CTAs per cluster: 2 = a pair of CTAs on adjacent n blocks sharing the A
                             // block through TMA multicast
  int math_warpgroups = 2;   // block_m / 64
  bool check_indices = false;  // contiguous: the kernel reports m_indices outside [-1, groups)
  // K blocks per straight-line run in which each block's first part (one-part tiles: the whole
  // block) is issued while the previous block's last part still runs (0: every K block drains its
  // wgmmas; see kAcrossBlocks in gemm.cuh). Only where k_blocks_can_overlap(block_n) (params.h).
  int across_run = 0;
  // m blocks per band of the tile scheduler's raster (scheduler.cuh): a wave of tiles covers whole bands or
  // whole fractions of one when band_rows times the n units per m block is a multiple of the grid.
  int band_rows = kDefaultBandRows;
  int smem_bytes = 0;        // dynamic shared memory the kernel needs
  int num_sms = 0;           // SMs the persistent grid may use (it launches grid_clusters of them)

  int threads() const { return 128 * (1 + math_warpgroups); }
  // The epilogue stores D with TMA (64x64 boxes) where a tile is a whole number of boxes wide; a
  // warpgroup whose 64 rows include one the layout must not write (masked: past masked_m; contiguous:
  // another group's or a -1 row) falls back to row-predicated stores. The kernel template takes it as
  // kTmaStore.
  bool tma_store() const { return block_n % 64 == 0; }
  std::string name() const;  // unique, readable: used as the kernel's name and in logs
  bool operator==(const KernelConfig&) const = default;
};

// A GEMM as the heuristic sees it. For masked, m is expected_m per group; for contiguous, m is the total.
struct Problem {
  Layout layout = Layout::normal;
  int64_t m = 0, n = 0, k = 0;
  int64_t groups = 1;
};

KernelConfig choose_config(const Problem& p, const DeviceFacts& dev);

// The fields of an FP8GEMM_CONFIG value, BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]]: 4 to 6
// comma-separated integers and nothing else; empty when the text is not that (the caller names the rule).
std::vector<int> forced_config_fields(const std::string& text);

// Every config choose_config can return for the layer (layout, n, k, groups) and m in [m_min, m_max]:
// what an ahead-of-time compile must build.
std::vector<KernelConfig> configs_for_range(Layout layout, int64_t n, int64_t k, int64_t groups,
                                            int64_t m_min, int64_t m_max, const DeviceFacts& dev);

// Clusters (CTAs when c.cluster is 1) that the persistent grid of c launches for problem p, given how many fit on
// the device at once (at least 1). Normal and contiguous problems of long K get a grid whose every wave covers a
// whole fraction of a band of c.band_rows m blocks where one costs at most 2% more waves, else as many as their
// waves of work units need, so that every cluster takes the same number of units; masked problems (whose units are
// counted on the device) and short K get all of them.
int grid_clusters(const KernelConfig& c, const Problem& p, int available_clusters);

// Shared memory needed by a config (bytes).
int smem_bytes(const KernelConfig& c);

// Fills what follows from the block shape, stages and cluster: math warpgroups, shared memory, grid size.
void set_derived_fields(KernelConfig& c, const DeviceFacts& dev);

// The BLOCK_N values the kernels are built with (multiples of 8 whose tiles straddle at most two
// 128-wide B-scale blocks).
const std::vector<int>& block_n_candidates();

}  // namespace fp8gemm::heuristics
