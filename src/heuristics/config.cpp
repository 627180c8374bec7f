#include "heuristics/config.hpp"

#include <algorithm>
#include <exception>
#include <numeric>
#include <set>

#include "common/math.hpp"

namespace fp8gemm::heuristics {
namespace {

constexpr int kMaxStages = 8;

// Rows of tiles (m blocks) of the problem, per group where masked (expected_m); at least one.
int64_t m_blocks(const Problem& p, int block_m) { return ceil_div(std::max<int64_t>(p.m, 1), block_m); }

// Output tiles of the problem for a block shape (masked: per-group rows come from expected_m).
int64_t tile_count(const Problem& p, int block_m, int block_n) {
  const int64_t tiles = m_blocks(p, block_m) * ceil_div(p.n, block_n);
  return p.layout == Layout::masked ? p.groups * tiles : tiles;
}

// Long-K normal and contiguous problems size their persistent grid to their waves of units (grid_clusters); masked
// problems count their units on the device, and at short K every SM measured faster.
bool grid_is_sized(const KernelConfig& c, const Problem& p) {
  return p.layout != Layout::masked && ceil_div(p.k, c.block_k) >= 12;
}

// The largest grid of at most `available` clusters whose every wave covers a whole fraction of one band of
// `band_rows` m blocks (the scheduler's raster) while every cluster takes the same number of units, if it costs at
// most 2% more waves than `available` clusters; 0 when there is none.
int64_t band_aligned_grid(const KernelConfig& c, const Problem& p, int band_rows, int64_t available) {
  const int64_t rows = m_blocks(p, c.block_m);
  const int64_t n_units = ceil_div(p.n, c.block_n) / c.cluster;
  const int64_t units = rows * n_units;
  const int64_t fraction_of = std::gcd(units, std::min<int64_t>(band_rows, rows) * n_units);
  for (int64_t g = std::min(available, fraction_of); g >= 1; --g) {
    if (fraction_of % g == 0) return units / g * 100 <= ceil_div(units, available) * 102 ? g : 0;
  }
  return 0;
}

}  // namespace

const char* layout_name(Layout l) {
  switch (l) {
    case Layout::normal: return "normal";
    case Layout::contiguous: return "contiguous";
    case Layout::masked: return "masked";
  }
  return "?";
}

std::string KernelConfig::name() const {
  return std::string(layout_name(layout)) + "_n" + std::to_string(n) + "_k" + std::to_string(k) + "_bm" +
         std::to_string(block_m) + "_bn" + std::to_string(block_n) + "_s" + std::to_string(stages) + "_c" +
         std::to_string(cluster) + (across_run > 0 ? "_r" + std::to_string(across_run) : "") +
         (band_rows != kDefaultBandRows ? "_band" + std::to_string(band_rows) : "") +
         (check_indices ? "_checked" : "");
}

int smem_bytes(const KernelConfig& c) { return SmemPlan(c.block_m, c.block_n, c.stages).total; }

void set_derived_fields(KernelConfig& c, const DeviceFacts& dev) {
  const int sms = std::max(dev.num_sms, 1);
  c.math_warpgroups = c.block_m / 64;
  c.smem_bytes = smem_bytes(c);
  c.num_sms = sms - sms % c.cluster;
}

const std::vector<int>& block_n_candidates() {
  static const std::vector<int> candidates = [] {
    std::vector<int> v;
    for (int n = 16; n <= 160; n += 8)
      if (n <= 128 + std::gcd(n, 128)) v.push_back(n);  // at most two B-scale blocks per tile
    v.push_back(192);  // 192 and 256: 64-wide wgmma parts (see gemm.cuh)
    v.push_back(256);
    return v;
  }();
  return candidates;
}

KernelConfig choose_config(const Problem& p, const DeviceFacts& dev) {
  KernelConfig best;
  best.layout = p.layout;
  best.n = static_cast<int>(p.n);
  best.k = static_cast<int>(p.k);
  const int sms = std::max(dev.num_sms, 1);

  // Block shape: the least time over the waves of the persistent grid, with a tile's time per K block
  // modelled from H100 measurements (bench/results/NOTES.md): a fixed part worth ~96 columns of wgmma
  // work (barriers, issue, data arriving) plus the columns; single wgmma wider than 128 x1.3 per column,
  // widths that are not a multiple of 64 x1.09. 192 and 256 run as 64-wide parts: 318 and 401 units when
  // they were measured alone (A from registers, no K-block runs), which one math warpgroup keeps; two run
  // them with A from shared memory in runs of K blocks, at 280 and 340. The 128-row prices and the two
  // corrections below were fitted on the H100 (bench/results/experiments-2026-11-26/95-96, 2026-11-27: 258
  // shapes of DeepSeek-V3 layers over a grid of M, every width within 30% of the model's best timed in
  // turn): a choice's time over the best measured fell from 1.0142 to 1.0017 (geometric mean), the worst
  // from 1.265 to 1.073. One math warpgroup (BLOCK_M 64) costs 0.62 of two. Ties go to the wider tile.
  auto unit_cost = [&p](int block_m, int block_n) {
    double units = block_n == 256   ? (block_m == 128 ? 340.0 : 401.0)
                   : block_n == 192 ? (block_m == 128 ? 280.0 : 318.0)
                                    : (block_n + 96.0) * (block_n > 128 ? 1.3 : block_n % 64 != 0 ? 1.09 : 1.0);
    // A 256-wide tile whose last n block is part empty pays its empty columns three times over (N=2112, where
    // 9 blocks of 256 hold 8.25: 1.09-1.13x slower than 192-wide tiles at M=6400-16384 where the waves alone
    // predict a tie). In the grouped layouts at short K, 192-wide tiles cost 15% more and 256-wide ones 20%
    // (N=7168 K=2048 at 128-512 rows a group: both 1.4-2.8% slower than the narrower tiles that their waves
    // alone lose to).
    if (block_n == 256) {
      const double columns = static_cast<double>(ceil_div(p.n, 256) * 256);
      units *= 1.0 + 3.0 * (columns - static_cast<double>(p.n)) / columns;
    }
    if (block_n > 128 && p.layout != Layout::normal && p.k <= 2048) units *= block_n == 256 ? 1.2 : 1.15;
    return block_m == 64 ? units * 0.62 : units;
  };
  const int64_t k_blocks = ceil_div(p.k, 128);
  double best_cost = 0;
  best.block_n = 0;
  for (int bm : {64, 128}) {
    if (bm == 64 && p.m > 128) continue;  // thin problems only: two warpgroups win once there are rows
    for (int bn : block_n_candidates()) {
      if (SmemPlan(bm, bn, 3).total > dev.smem_per_block) continue;
      const int64_t waves = ceil_div(tile_count(p, bm, bn), sms);
      // Compute: 2.47 ns per unit and K block on the H100 (128x128 tiles at ~1000 TFLOPS).
      const double compute_ns = static_cast<double>(waves) * static_cast<double>(k_blocks) * unit_cost(bm, bn) * 2.47;
      // Memory: every B block is streamed from HBM once, ~34 bytes/ns per SM (measured with thin M).
      const int64_t b_blocks = ceil_div(p.n, bn) * (p.layout == Layout::normal ? 1 : p.groups);
      const double memory_ns = static_cast<double>(ceil_div(b_blocks, sms)) * bn * static_cast<double>(p.k) / 34.0;
      // The last tile's epilogue is exposed (an earlier tile's TMA stores run under the next tile's
      // main loop): its D tile written at the same ~34 bytes/ns. It decides short-K problems of one
      // or two waves: M=128 N=32768 K=512 runs 128x128 in 15.3 us against 16.2 for 128x256.
      const double epilogue_ns = static_cast<double>(bm) * bn * 2.0 / 34.0;
      const double cost = std::max(compute_ns, memory_ns) + epilogue_ns;
      if (best.block_n == 0 || cost < best_cost * 0.999 ||
          (cost <= best_cost * 1.001 && (bn > best.block_n || (bn == best.block_n && bm > best.block_m)))) {
        best_cost = cost;
        best.block_m = bm;
        best.block_n = bn;
      }
    }
  }

  // Cluster of two sharing A (multicast) when several n blocks reuse each A block and they pair up.
  // Not for 256-wide tiles: pairs measured 0.3-2.3% slower than single CTAs on five M=4096 shapes
  // (bench/results/experiments-2026-11-25/13-config-sweep.txt), and 0-0.5% slower on the contiguous
  // ones at the power cap (experiments-2026-11-26/49); 192-wide tiles were mixed (-1% to +2%) and keep
  // their pairs.
  const int64_t n_blocks = ceil_div(p.n, best.block_n);
  const int64_t rows = p.layout == Layout::masked ? p.m * p.groups : p.m;
  best.cluster = (rows >= 512 && n_blocks % 2 == 0 && sms >= 2 && best.block_n < 256) ? 2 : 1;

  // As many pipeline stages as shared memory holds. The last stage of a 128x256 tile (its 4th) fits only
  // beside half a staging tile (staging_columns, params.h: the epilogue then runs in two rounds, the second
  // waiting for the first one's TMA stores to read it); one stage fewer stages the whole tile at once.
  // Measured in turn on the H100 (bench/results/experiments-2026-11-26, 52, 97, 98): in one or two waves the
  // 4th stage wins (masked 1 x 1024 by 2-3%, normal K=1536 at 1.5 waves by 4%) or ties; past that the single
  // pass wins by 1-5% at K >= 2048 (N=7168 K=16384 2-5%, contiguous 1.5-3%). At short K the 4th stage (at
  // K=512 a whole tile's K blocks) keeps winning longer: at K=512 by 0.5-3% from 3 to 8 waves (ties at 4.85
  // and 7.76), with the single pass 1.3-3.7% ahead from 16 waves on; at K=1536 by 1-2.4% in 3 and 4 waves,
  // while from 6 waves on the runs disagree (-3% to +0.8%) and 12 favour the single pass.
  best.stages = 1;
  for (int s = kMaxStages; s >= 2; --s) {
    if (SmemPlan(best.block_m, best.block_n, s).total <= dev.smem_per_block) {
      best.stages = s;
      break;
    }
  }
  const int64_t waves_kept_deep = p.k <= 512 ? 8 : p.k <= 1536 ? 4 : 2;
  if (staging_columns(best.block_m, best.block_n, best.stages) < best.block_n &&
      ceil_div(tile_count(p, best.block_m, best.block_n), sms) > waves_kept_deep)
    --best.stages;
  // 128x256 tiles overlap each K block's first part with the previous block's last (kernel template
  // kAcrossRun), in straight-line runs of K blocks. Timed in turn on the H100, against none and each other
  // (bench/results/experiments-2026-11-26, experiments 87-90):
  //   - contiguous: runs of 4, 1.04x over none at K=7168 and 1.02x over runs of 2 (at the cap too); at
  //     K=2048 1.005-1.02x over none, runs of 2 even with 4;
  //   - masked with 4 stages (one or two waves): runs of 4, 1.02-1.025x over none on 1 x 1024 (runs of 2
  //     1.015-1.02x), 1.001-1.005x on 4 x 256 (runs of 2 0.994-0.996x);
  //   - normal, and masked with 3 stages: runs of 2, 1.00-1.04x over none from K=1024 to 16384 (runs of 4
  //     0.5-1% below that, or worse: masked 8 x 512 N=7168 K=2048 0.98x); at K=512 (four K blocks) all three
  //     tie, and the tile keeps none, which compiles in half the time of runs of 4.
  // (Session 7 had found no gain outside contiguous; the kernel's loop has changed since.)
  if (best.block_m == 128 && best.block_n == 256 && best.stages >= 2) {
    if (p.layout == Layout::contiguous || (p.layout == Layout::masked && best.stages >= 4)) {
      best.across_run = 4;
    } else if (p.k >= 1024) {
      best.across_run = 2;
    }
  }
  // 192-wide tiles overlap too, measured in turn against none on 19 shapes of all three layouts that pick
  // them (H100, 2026-11-26, bench/results/experiments-2026-11-26/30-*): 1.02-1.10x wherever there are
  // more than two row blocks (M=4096 N=2112 K=7168: 1.05x), 0.994-1.006x at M <= 256. Single CTAs gain
  // most with runs of 4 (1.10x at K=512), pairs with runs of 2 (1.05x at M=1024 N=3072 K=16384).
  if (best.block_m == 128 && best.block_n == 192 && best.stages >= 2) best.across_run = best.cluster == 1 ? 4 : 2;
  // 64-wide tiles (one part, the thin problems' choice) overlap whole K blocks the same way:
  // 1.01-1.03x at M=64/128 N=7168 K=16384 and M=128 N=4096 K=7168 in turn on the H100 (experiment 25).
  // So do the other tiles of one math warpgroup up to 128 wide: 1.005-1.014x at 96 and 128 (normal and
  // masked, experiment 31). 16- and 32-wide tiles measured even; two warpgroups' 96- to 128-wide tiles
  // mixed (0.96-1.02x), and wider one-part tiles spill with it: they keep none.
  if (best.stages >= 2 && (best.block_n == 64 || (best.block_m == 64 && best.block_n > 64 && best.block_n <= 128)))
    best.across_run = 4;
  set_derived_fields(best, dev);
  // Bands of 32 m blocks where only they let a sized grid's waves each cover a whole fraction of a band. Timed in
  // turn at the power cap on the H100 (bench/results/experiments-2026-11-26/72-73), 128 CTAs with bands of 32
  // against the grid and bands of 16 before: contiguous (4, 8192, 7168, 2048) +2.4-2.6% (131 CTAs before, 55 waves
  // against 56), (8, 4096, 7168, 2048) +0.3-1.5%, normal M=4096 N=7168 K=2048 +0.5-0.7% (128 CTAs both), K=16384
  // even. Where bands of 16 align too they stay: at N=4096 K=7168 (both align on 128) bands of 32 lost 0.3-1.4%
  // and bands of 8 lost 4%.
  const int64_t available = best.num_sms / best.cluster;
  if (grid_is_sized(best, p) && band_aligned_grid(best, p, kDefaultBandRows, available) == 0 &&
      band_aligned_grid(best, p, 32, available) > 0)
    best.band_rows = 32;
  return best;
}

int grid_clusters(const KernelConfig& c, const Problem& p, int available_clusters) {
  const int64_t available = std::max(available_clusters, 1);
  // A grid of all SMs whose last wave is part-empty takes as many tile times as the balanced one, but its tiles
  // run slower: timed in turn on the H100 (bench/results/experiments-2026-11-26/67-69), 128 CTAs instead of 132
  // made contiguous (4, 8192, 4096, 7168) and (8, 4096, 4096, 7168), 4096 tiles, 3.6-5.3% faster at the power cap
  // (at a lower clock: per clock), and 118 instead of 132 made normal M=4096 N=2112 K=7168 (352 tiles of 128x192)
  // 1.7-4.3% faster; long K at 896 tiles -0.3% to +2.2%, K=1536 and 2048 within +-0.7%. At K=512 (M=4096
  // N=32768, 4096 tiles) 128 lost 2% in runs of 100, where the output's stores weigh most: short K keeps them all.
  if (!grid_is_sized(c, p)) return static_cast<int>(available);
  // Waves that each cover a whole fraction of a band won again where that cost one more wave in 55 (contiguous
  // N=7168 K=2048: 128 CTAs with bands of 32 against 131, experiments 72-73; see choose_config).
  if (const int64_t aligned = band_aligned_grid(c, p, c.band_rows, available); aligned > 0)
    return static_cast<int>(aligned);
  const int64_t units = ceil_div(tile_count(p, c.block_m, c.block_n), c.cluster);
  const int64_t waves = ceil_div(units, available);
  return static_cast<int>(ceil_div(units, waves));
}

std::vector<int> forced_config_fields(const std::string& text) {
  std::vector<int> fields;
  for (size_t pos = 0;;) {
    size_t used = 0;
    try {
      fields.push_back(std::stoi(text.substr(pos), &used));
    } catch (const std::exception&) {
      return {};
    }
    pos += used;
    if (pos == text.size()) break;
    if (text[pos] != ',') return {};
    ++pos;
  }
  if (fields.size() < 4 || fields.size() > 6) return {};
  return fields;
}

std::vector<KernelConfig> configs_for_range(Layout layout, int64_t n, int64_t k, int64_t groups, int64_t m_min,
                                            int64_t m_max, const DeviceFacts& dev) {
  std::vector<KernelConfig> out;
  auto add = [&](int64_t m) {
    const KernelConfig c = choose_config(Problem{layout, m, n, k, groups}, dev);
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  // The choice changes only where a tile or wave count changes; visit every M on a coarse-to-fine grid:
  // all small M, then every multiple of 64 (tile boundaries of both BLOCK_M values) and its neighbours.
  for (int64_t m = std::max<int64_t>(m_min, 1); m <= std::min<int64_t>(m_max, 256); ++m) add(m);
  for (int64_t m = std::max<int64_t>(m_min, 257) / 64 * 64; m <= m_max; m += 64) {
    for (int64_t d : {-1, 0, 1})
      if (m + d >= m_min && m + d <= m_max) add(m + d);
  }
  if (m_max >= m_min) add(m_max);
  return out;
}

}  // namespace fp8gemm::heuristics
