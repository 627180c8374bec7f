// The device tile scheduler (kernels/fp8gemm/scheduler.cuh), compiled for the host and run for every CTA
// of a simulated persistent grid: each output tile of each layout is handed out exactly once, skipped
// blocks never, and the two CTAs of a cluster always share the A block (what TMA multicast relies on).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

// Host stand-ins for the few device built-ins the scheduler uses.
#define __device__
#define __forceinline__ inline
template <class T>
T __ldg(const T* p) {
  return *p;
}
inline unsigned long long __cvta_generic_to_shared(const void*) { return 0; }
using std::min;

#include "fp8gemm/scheduler.cuh"

namespace {

using fp8gemm::GemmParams;
using fp8gemm::Layout;
using fp8gemm::Tile;

struct Visit {
  int cluster, rank, step;
  Tile tile;
};

// Runs the scheduler of every CTA of a grid of `ctas` CTAs (clusters of kCluster) to the end.
template <Layout kLayout, int kN, int kBlockM, int kBlockN, int kCluster, int kBandRows = 16>
std::vector<Visit> simulate(const GemmParams& p, int ctas) {
  std::vector<Visit> visits;
  const int clusters = ctas / kCluster;
  for (int c = 0; c < clusters; ++c) {
    for (int r = 0; r < kCluster; ++r) {
      fp8gemm::Scheduler<kLayout, kN, kBlockM, kBlockN, kCluster, false, kBandRows> s(p, c, clusters, r);
      Tile t{};
      int step = 0;
      while (s.next(t)) visits.push_back({c, r, step++, t});
    }
  }
  return visits;
}

// Every visit of rank 1 has a rank-0 twin at the same step with the same A block and the next n block.
void expect_cluster_pairs(const std::vector<Visit>& visits) {
  std::map<std::pair<int, int>, Tile> rank0;
  for (const Visit& v : visits)
    if (v.rank == 0) rank0[{v.cluster, v.step}] = v.tile;
  int pairs = 0;
  for (const Visit& v : visits) {
    if (v.rank != 1) continue;
    auto it = rank0.find({v.cluster, v.step});
    ASSERT_NE(it, rank0.end()) << "rank 1 has a tile its partner lacks";
    EXPECT_EQ(it->second.a_row, v.tile.a_row);
    EXPECT_EQ(it->second.group, v.tile.group);
    EXPECT_EQ(it->second.n_block + 1, v.tile.n_block);
    EXPECT_EQ(it->second.n_block % 2, 0);
    ++pairs;
  }
  EXPECT_EQ(pairs * 2, static_cast<int>(visits.size()));
}

template <int kBlockM, int kBlockN, int kCluster, int kBandRows = 16>
void check_normal(int m, int ctas) {
  constexpr int kN = 1000;  // 1000 / 8 -> tails for every BLOCK_N used here
  GemmParams p{};
  p.m = m;
  p.groups = 1;
  const auto visits = simulate<Layout::normal, kN, kBlockM, kBlockN, kCluster, kBandRows>(p, ctas);
  const int m_blocks = (m + kBlockM - 1) / kBlockM;
  const int n_blocks = (kN + kBlockN - 1) / kBlockN;
  std::map<std::pair<int, int>, int> seen;
  for (const Visit& v : visits) {
    EXPECT_EQ(v.tile.row % kBlockM, 0);
    EXPECT_EQ(v.tile.a_row, v.tile.row);
    EXPECT_EQ(v.tile.rows_end, m);
    EXPECT_EQ(v.tile.b_row, v.tile.n_block * kBlockN);
    EXPECT_LT(v.tile.n_block, n_blocks);
    ++seen[{v.tile.row / kBlockM, v.tile.n_block}];
  }
  EXPECT_EQ(static_cast<int>(seen.size()), m_blocks * n_blocks) << "m=" << m;
  for (const auto& [tile, count] : seen) EXPECT_EQ(count, 1);
  if (kCluster == 2) expect_cluster_pairs(visits);
}

TEST(Scheduler, NormalLayoutVisitsEveryTileOnce) {
  for (int m : {1, 63, 64, 65, 128, 1000, 4096, 5000}) {
    for (int ctas : {1, 7, 132}) {
      check_normal<128, 8, 1>(m, ctas);   // 125 n blocks
      check_normal<64, 200, 1>(m, ctas);  // 5 n blocks, the last partial
    }
  }
}

// Bands of other heights than the default 16 m blocks (FP8GEMM_CONFIG's BAND_ROWS): one row of tiles at a
// time, 3 (a last band cut short unless the m blocks are a multiple of 3), and 32.
TEST(Scheduler, BandsOfAnyHeightVisitEveryTileOnce) {
  for (int m : {1, 300, 4096, 5000}) {
    for (int ctas : {2, 10, 132}) {
      check_normal<128, 8, 1, 1>(m, ctas);
      check_normal<128, 8, 1, 3>(m, ctas);
      check_normal<64, 200, 1, 32>(m, ctas);
      check_normal<128, 100, 2, 3>(m, ctas);
    }
  }
}

TEST(Scheduler, ClusterPairsShareTheABlock) {
  for (int m : {1, 300, 4096})
    for (int ctas : {2, 10, 132}) check_normal<128, 100, 2>(m, ctas);  // 10 n blocks
}

TEST(Scheduler, ContiguousLayoutSkipsPaddingAndBadIndices) {
  constexpr int kN = 256, kBlockM = 128, kBlockN = 128;
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int groups = 1 + static_cast<int>(rng() % 9);
    std::vector<int> indices;
    for (int g = 0; g < groups; ++g) {
      const int rows = static_cast<int>(rng() % 400);  // empty experts too
      const int padded = (rows + 127) / 128 * 128;
      for (int r = 0; r < padded; ++r) indices.push_back(r < rows ? g : -1);
    }
    // Blocks whose first row names no expert of [0, groups): never visited.
    indices.insert(indices.end(), 128, groups);
    indices.insert(indices.end(), 128, -7);
    GemmParams p{};
    p.m = static_cast<int>(indices.size());
    p.groups = groups;
    p.m_indices = indices.data();
    for (int ctas : {2, 6, 132}) {
      const auto visits = simulate<Layout::contiguous, kN, kBlockM, kBlockN, 2>(p, ctas);
      std::map<std::pair<int, int>, int> seen;
      for (const Visit& v : visits) {
        ASSERT_GE(v.tile.group, 0);
        ASSERT_LT(v.tile.group, groups);
        EXPECT_EQ(indices[v.tile.row], v.tile.group);
        EXPECT_EQ(v.tile.b_row, v.tile.group * kN + v.tile.n_block * kBlockN);
        ++seen[{v.tile.row, v.tile.n_block}];
      }
      int expected = 0;
      for (int b = 0; b < p.m; b += kBlockM) expected += (indices[b] >= 0 && indices[b] < groups) ? 2 : 0;
      EXPECT_EQ(static_cast<int>(seen.size()), expected);
      for (const auto& [tile, count] : seen) EXPECT_EQ(count, 1);
      expect_cluster_pairs(visits);
    }
  }
}

TEST(Scheduler, MaskedLayoutFollowsTheDeviceCounts) {
  constexpr int kN = 512, kBlockM = 64, kBlockN = 128;
  std::mt19937 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int groups = 1 + static_cast<int>(rng() % 12);
    const int max_m = 1 + static_cast<int>(rng() % 300);
    std::vector<int> masked(groups);
    for (int& m : masked) {
      const int pick = static_cast<int>(rng() % 5);
      m = pick == 0 ? 0 : pick == 1 ? max_m + 50 : pick == 2 ? -3 : static_cast<int>(rng() % (max_m + 1));
    }
    GemmParams p{};
    p.m = max_m;
    p.groups = groups;
    p.masked_m = masked.data();
    for (int ctas : {1, 3, 132}) {
      const auto visits = simulate<Layout::masked, kN, kBlockM, kBlockN, 1>(p, ctas);
      std::map<std::tuple<int, int, int>, int> seen;
      for (const Visit& v : visits) {
        const int g = v.tile.group;
        const int rows = std::clamp(masked[g], 0, max_m);  // clipped to max_m, negative as 0
        EXPECT_EQ(v.tile.rows_end, rows);
        EXPECT_LT(v.tile.row, rows);
        EXPECT_EQ(v.tile.a_row, g * max_m + v.tile.row);
        EXPECT_EQ(v.tile.scale_group, g);
        ++seen[{g, v.tile.row, v.tile.n_block}];
      }
      int expected = 0;
      for (int g = 0; g < groups; ++g) expected += (std::clamp(masked[g], 0, max_m) + kBlockM - 1) / kBlockM * 4;
      EXPECT_EQ(static_cast<int>(seen.size()), expected);
      for (const auto& [tile, count] : seen) EXPECT_EQ(count, 1);
    }
  }
}

}  // namespace
