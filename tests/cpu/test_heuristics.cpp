// Properties of the kernel-configuration heuristic and of the shared-memory plan: pure functions,
// checked on the CPU for the three layouts over many shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "common/math.hpp"
#include "heuristics/config.hpp"

namespace {

using fp8gemm::ceil_div;
using fp8gemm::SmemPlan;
using namespace fp8gemm::heuristics;

void expect_valid(const KernelConfig& c, const Problem& p, const DeviceFacts& dev) {
  const auto& candidates = block_n_candidates();
  SCOPED_TRACE(c.name());
  EXPECT_TRUE(c.block_m == 64 || c.block_m == 128);
  EXPECT_EQ(c.math_warpgroups, c.block_m / 64);
  EXPECT_NE(std::find(candidates.begin(), candidates.end(), c.block_n), candidates.end());
  EXPECT_EQ(c.n, p.n);
  EXPECT_EQ(c.k, p.k);
  EXPECT_GE(c.stages, 3);
  EXPECT_EQ(c.smem_bytes, smem_bytes(c));
  EXPECT_LE(c.smem_bytes, dev.smem_per_block);
  EXPECT_TRUE(c.cluster == 1 || c.cluster == 2);
  if (c.cluster == 2) EXPECT_EQ(ceil_div(p.n, c.block_n) % 2, 0) << "pairs need an even number of n blocks";
  EXPECT_GE(c.num_sms, 1);
  EXPECT_LE(c.num_sms, dev.num_sms);
  EXPECT_EQ(c.num_sms % c.cluster, 0);
}

// A problem of any layout with M in [1, max_m], N a multiple of 8, K of 16, up to 64 groups.
Problem random_problem(std::mt19937& rng, int64_t max_m) {
  Problem p;
  p.layout = static_cast<Layout>(rng() % 3);
  p.m = 1 + static_cast<int64_t>(rng() % max_m);
  p.n = 8 * (1 + static_cast<int64_t>(rng() % 2048));
  p.k = 16 * (1 + static_cast<int64_t>(rng() % 1024));
  p.groups = p.layout == Layout::normal ? 1 : 1 + static_cast<int64_t>(rng() % 64);
  return p;
}

TEST(Heuristics, EveryChoiceIsAValidKernel) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 3000; ++trial) {
    const Problem p = random_problem(rng, 16384);
    DeviceFacts dev;
    dev.num_sms = 1 + static_cast<int>(rng() % 132);  // set_num_sms: any count up to the device's
    expect_valid(choose_config(p, dev), p, dev);
  }
}

TEST(Heuristics, BlockNCandidatesStraddleAtMostTwoScaleBlocks) {
  const auto& candidates = block_n_candidates();
  for (int n : candidates) {
    EXPECT_EQ(n % 8, 0);
    if (n == 256) continue;  // 64-wide parts, each inside one scale block
    EXPECT_LE(n, 128 + std::gcd(n, 128)) << n;
  }
  for (int n : {112, 144, 160, 256})  // non-powers of two fill 132 SMs better (DESIGN.md)
    EXPECT_NE(std::find(candidates.begin(), candidates.end(), n), candidates.end()) << n;
}

TEST(Heuristics, ThinProblemsUseOneWarpgroupAndManySms) {
  const DeviceFacts dev;
  for (int64_t n : {2112, 4096, 7168}) {
    const KernelConfig c = choose_config({Layout::normal, 64, n, 7168, 1}, dev);
    EXPECT_EQ(c.block_m, 64);
    // Memory-bound: the B stream is spread over (nearly) all SMs.
    EXPECT_GE(ceil_div(n, c.block_n), 100) << c.name();
  }
  EXPECT_EQ(choose_config({Layout::normal, 4096, 7168, 16384, 1}, dev).block_m, 128);
}

// Choices that H100 sweeps decided (bench/results/experiments-2026-11-25/13-config-sweep.txt): a change
// to the cost model that flips one of them needs a sweep showing the new choice is faster.
TEST(Heuristics, ChoicesMeasuredOnTheH100) {
  const DeviceFacts dev;  // 132 SMs
  auto pick = [&](Layout layout, int64_t m, int64_t n, int64_t k, int64_t g) {
    const KernelConfig c = choose_config({layout, m, n, k, g}, dev);
    return std::to_string(c.block_m) + "x" + std::to_string(c.block_n) + " s" + std::to_string(c.stages) + " c" +
           std::to_string(c.cluster) + (c.across_run > 0 ? " r" + std::to_string(c.across_run) : "");
  };
  // 256-wide tiles run alone: pairs were 0.3-2.3% slower on five M=4096 shapes, and even at the power
  // cap. Past two waves they have 3 stages beside a staging tile of the whole output tile, in one or two
  // waves 4 (and two staging rounds); at short K the 4 stages last longer (experiments 97-98): up to 8
  // waves at K=512 (1-3% faster at M=320-832 N=32768), up to 4 at K=1536 (1-2.4% at M=448-640 N=24576).
  // They overlap K blocks (experiments 87-90 of 2026-11-26): contiguous ones and masked ones with 4 stages
  // in runs of 4, the others in runs of 2 from K=1024 on.
  EXPECT_EQ(pick(Layout::normal, 4096, 7168, 16384, 1), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 4096, 24576, 1536, 1), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 4096, 32768, 512, 1), "128x256 s3 c1");  // four K blocks: runs tie with none
  EXPECT_EQ(pick(Layout::normal, 512, 7168, 16384, 1), "128x256 s4 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 512, 32768, 512, 1), "128x256 s4 c1");      // 4 waves
  EXPECT_EQ(pick(Layout::normal, 1088, 32768, 512, 1), "128x256 s3 c1");     // 9 waves
  EXPECT_EQ(pick(Layout::normal, 640, 24576, 1536, 1), "128x256 s4 c1 r2");  // 4 waves
  EXPECT_EQ(pick(Layout::normal, 960, 24576, 1536, 1), "128x256 s3 c1 r2");  // 6 waves
  EXPECT_EQ(pick(Layout::contiguous, 32768, 4096, 7168, 4), "128x256 s3 c1 r4");
  EXPECT_EQ(pick(Layout::contiguous, 32768, 7168, 2048, 4), "128x256 s3 c1 r4");
  EXPECT_EQ(pick(Layout::masked, 1024, 4096, 7168, 1), "128x256 s4 c1 r4");
  EXPECT_EQ(pick(Layout::masked, 1024, 7168, 2048, 1), "128x256 s4 c1 r4");  // 224 tiles, 2 waves
  EXPECT_EQ(pick(Layout::masked, 512, 7168, 2048, 8), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 4096, 4096, 7168, 1), "128x256 s3 c1 r2");  // 512 tiles, 4 waves
  // N=2112: 11 blocks of 192 beat 9 of 256 (116.5 against 142.4 us). 192-wide tiles overlap K blocks,
  // in runs of 4 alone (1.05x over none here) and of 2 in pairs.
  EXPECT_EQ(pick(Layout::normal, 4096, 2112, 7168, 1), "128x192 s4 c1 r4");
  EXPECT_EQ(pick(Layout::normal, 4096, 2304, 7168, 1), "128x192 s4 c2 r2");
  // Mid-M choices timed in turn on the H100 (experiments-2026-11-26/93-94): 192 over 128 wide at M=6400 N=2112
  // (1.25x), 256 over 128-wide pairs at M=2688 N=7168 K=2048 (1.04x); kept: 192-wide pairs at M=3072 N=7168
  // K=16384 (256: 0.96-0.97x), 128-wide pairs for masked 8 x 256 N=7168 K=2048 (192 and 256: 0.97-0.98x).
  EXPECT_EQ(pick(Layout::normal, 6400, 2112, 7168, 1), "128x192 s4 c1 r4");
  // The cost model's re-fit (experiments 95-96, every width within 30% of the model's best on a grid of M):
  // 192 over 160-wide pairs at M=2304 N=2112 K=7168 (1.27x) and over 256 at M=16384 (1.12x); 256 over 160-wide
  // pairs at M=3200 N=4096 K=7168 (1.15x) and over 192-wide pairs at M=3456 (1.02x; 93-94 had 192 over
  // 128-wide pairs there); kept: 192-wide pairs for contiguous 17 x 256 N=7168 K=2048 (256: 0.98x) and
  // 128-wide pairs for masked 8 x 192 (256: 0.98x).
  EXPECT_EQ(pick(Layout::normal, 2304, 2112, 7168, 1), "128x192 s4 c1 r4");
  EXPECT_EQ(pick(Layout::normal, 16384, 2112, 7168, 1), "128x192 s4 c1 r4");
  EXPECT_EQ(pick(Layout::normal, 3200, 4096, 7168, 1), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 3456, 4096, 7168, 1), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::contiguous, 4352, 7168, 2048, 17), "128x192 s4 c2 r2");
  EXPECT_EQ(pick(Layout::masked, 192, 7168, 2048, 8), "128x128 s5 c2");
  EXPECT_EQ(pick(Layout::normal, 2688, 7168, 2048, 1), "128x256 s3 c1 r2");
  EXPECT_EQ(pick(Layout::normal, 3072, 7168, 16384, 1), "128x192 s4 c2 r2");
  EXPECT_EQ(pick(Layout::masked, 256, 7168, 2048, 8), "128x128 s5 c2");
  // One wave of short-K tiles: the exposed epilogue of a 128x256 tile costs more than a second wave of
  // 128x128 (15.3 against 16.2 us).
  EXPECT_EQ(pick(Layout::normal, 128, 32768, 512, 1), "128x128 s5 c1");
  EXPECT_EQ(pick(Layout::normal, 128, 24576, 1536, 1), "128x192 s4 c1 r4");
  // One math warpgroup's tiles up to 128 wide overlap K blocks in runs of 4; 16- and 32-wide ones do not.
  EXPECT_EQ(pick(Layout::normal, 64, 24576, 1536, 1), "64x96 s8 c1 r4");
  EXPECT_EQ(pick(Layout::normal, 64, 2112, 7168, 1), "64x16 s8 c1");
}

TEST(Heuristics, FewerSmsNeverGiveALargerGrid) {
  for (int sms : {1, 2, 16, 100, 131}) {
    DeviceFacts dev;
    dev.num_sms = sms;
    const KernelConfig c = choose_config({Layout::normal, 4096, 7168, 2048, 1}, dev);
    EXPECT_LE(c.num_sms, sms);
  }
}

// The persistent grid: the fewest clusters that keep the waves of all of them, on long-K normal and contiguous
// problems; all of them on masked problems and short K (experiments-2026-11-26/67-69).
TEST(Heuristics, GridIsBalancedOverTheWaves) {
  const DeviceFacts dev;
  auto grid = [&](const Problem& p, int available = 132) {
    const KernelConfig c = choose_config(p, dev);
    return grid_clusters(c, p, available / c.cluster) * c.cluster;
  };
  // 4096 tiles of 128x256: 31.03 waves on 132 SMs, 32 full ones on 128.
  EXPECT_EQ(grid({Layout::contiguous, 4 * 8192, 4096, 7168, 4}), 128);
  EXPECT_EQ(grid({Layout::contiguous, 8 * 4096, 4096, 7168, 8}), 128);
  EXPECT_EQ(grid({Layout::normal, 4096, 7168, 16384, 1}), 128);  // 896 tiles: 7 waves
  // 7168 tiles: 55 waves on 131 CTAs; with bands of 32 (28 tiles a row), 56 waves of a seventh of a band on 128.
  EXPECT_EQ(grid({Layout::contiguous, 8 * 4096, 7168, 2048, 8}), 128);
  EXPECT_EQ(grid({Layout::contiguous, 4 * 8192, 7168, 2048, 4}), 128);
  EXPECT_EQ(grid({Layout::normal, 4096, 2112, 7168, 1}), 118);  // 352 tiles of 128x192: 3 waves of 118
  EXPECT_EQ(grid({Layout::normal, 4096, 2112, 7168, 1}, 100), 88);  // on 100 SMs: 4 waves of 88
  EXPECT_EQ(grid({Layout::normal, 4096, 32768, 512, 1}), 132);  // short K keeps every SM
  EXPECT_EQ(grid({Layout::masked, 1024, 4096, 7168, 1}), 132);  // masked: the units are counted on the device

  std::mt19937 rng(5);
  for (int trial = 0; trial < 3000; ++trial) {
    const Problem p = random_problem(rng, 65536);
    const KernelConfig c = choose_config(p, dev);
    const int available = 1 + static_cast<int>(rng() % (132 / c.cluster));
    const int clusters = grid_clusters(c, p, available);
    SCOPED_TRACE(c.name() + " m=" + std::to_string(p.m) + " available=" + std::to_string(available));
    ASSERT_GE(clusters, 1);
    ASSERT_LE(clusters, available);
    if (p.layout == Layout::masked) continue;
    const int64_t m_blocks = ceil_div(p.m, c.block_m);
    const int64_t n_units = ceil_div(p.n, c.block_n) / c.cluster;
    const int64_t units = m_blocks * n_units;
    const int64_t waves = ceil_div(units, clusters), least_waves = ceil_div(units, available);
    if (waves == least_waves) continue;
    // A grid may add waves, at most 2%, only to cover whole fractions of a band with every cluster equally loaded.
    EXPECT_LE(waves * 100, least_waves * 102) << "the grid added too many waves";
    EXPECT_EQ(units % clusters, 0) << "an added wave left clusters unequally loaded";
    EXPECT_EQ(std::min<int64_t>(c.band_rows, m_blocks) * n_units % clusters, 0) << "an added wave is not band-aligned";
  }
}

// The band height of the tile scheduler: 16 m blocks, and 32 where only bands of 32 let a sized grid's waves each
// cover a whole fraction of a band (experiments-2026-11-26/72-73).
TEST(Heuristics, BandsOf32OnlyWhereOnlyTheyAlignTheWaves) {
  const DeviceFacts dev;
  auto band = [&](const Problem& p) { return choose_config(p, dev).band_rows; };
  EXPECT_EQ(band({Layout::contiguous, 8 * 4096, 7168, 2048, 8}), 32);  // 28 tiles a row: 448 a band of 16, 896 of 32
  EXPECT_EQ(band({Layout::contiguous, 4 * 8192, 7168, 2048, 4}), 32);
  EXPECT_EQ(band({Layout::normal, 4096, 7168, 2048, 1}), 32);
  EXPECT_EQ(band({Layout::normal, 4096, 7168, 16384, 1}), 32);
  EXPECT_EQ(band({Layout::contiguous, 4 * 8192, 4096, 7168, 4}), 16);  // 256 tiles a band: 128 CTAs align
  EXPECT_EQ(band({Layout::normal, 4096, 2112, 7168, 1}), 16);          // neither aligns (352 tiles, 3 waves)
  EXPECT_EQ(band({Layout::normal, 4096, 32768, 512, 1}), 16);          // short K
  EXPECT_EQ(band({Layout::masked, 1024, 7168, 2048, 4}), 16);          // masked
  EXPECT_EQ(band({Layout::normal, 128, 7168, 2048, 1}), 16);           // one row of tiles: the bands are alike
  EXPECT_EQ(choose_config({Layout::normal, 4096, 7168, 2048, 1}, dev).name(),
            "normal_n7168_k2048_bm128_bn256_s3_c1_r2_band32");
}

TEST(Heuristics, RangeCoversEveryChoice) {
  const DeviceFacts dev;
  for (Layout layout : {Layout::normal, Layout::contiguous, Layout::masked}) {
    for (auto [n, k] : {std::pair{7168, 2048}, {2112, 7168}, {1000, 1024}, {576, 7168}}) {
      const int64_t groups = layout == Layout::normal ? 1 : 4;
      const auto configs = configs_for_range(layout, n, k, groups, 1, 3000, dev);
      for (int64_t m = 1; m <= 3000; ++m) {
        const KernelConfig c = choose_config({layout, m, n, k, groups}, dev);
        EXPECT_NE(std::find(configs.begin(), configs.end(), c), configs.end())
            << layout_name(layout) << " m=" << m << " n=" << n << " k=" << k;
      }
    }
  }
}

TEST(Heuristics, SharedMemoryPlanIsAligned) {
  for (int bm : {64, 128}) {
    for (int bn : block_n_candidates()) {
      for (int stages : {3, 4, 8}) {
        const SmemPlan plan(bm, bn, stages);
        SCOPED_TRACE(testing::Message() << bm << "x" << bn << " s" << stages);
        // 128-byte swizzled TMA tiles must start on 1024-byte boundaries, stage after stage.
        EXPECT_EQ(plan.a_offset % 1024, 0);
        EXPECT_EQ(plan.b_offset % 1024, 0);
        EXPECT_EQ(plan.a_bytes % 1024, 0);
        EXPECT_EQ(plan.b_bytes % 1024, 0);
        EXPECT_EQ(plan.d_pitch % 16, 0);  // 16-byte staging reads
        if (bn % 64 == 0) {
          // Staged in 64-column boxes for TMA stores (the swizzle keeps the fragment stores apart): each
          // warpgroup's 64 rows start on a 1024-byte boundary, and a round holds staging_columns.
          EXPECT_EQ(plan.d_offset % 1024, 0);
          EXPECT_EQ(64 * plan.d_pitch % 1024, 0);
          EXPECT_EQ(plan.d_pitch, fp8gemm::staging_columns(bm, bn, stages) * 2);
          EXPECT_EQ(bn % fp8gemm::staging_columns(bm, bn, stages), 0);
        } else {
          // Fragment stores of 8 rows x 4 lanes hit 32 distinct banks: the pitch in words is 4 mod 8.
          EXPECT_EQ((plan.d_pitch / 4) % 8, 4);
        }
        EXPECT_EQ(plan.barrier_offset % 8, 0);
        EXPECT_GE(plan.total, plan.barrier_offset + 16 * stages);
      }
    }
  }
}

// FP8GEMM_CONFIG's syntax, as the library and `fp8gemm bench --config` read it: 4 or 5 comma-separated
// integers and nothing else (whether the values suit a shape is checked where the shape is known).
TEST(Heuristics, ForcedConfigFieldsAreFourToSixIntegers) {
  EXPECT_EQ(forced_config_fields("128,256,4,1"), (std::vector<int>{128, 256, 4, 1}));
  EXPECT_EQ(forced_config_fields("128,256,4,1,2"), (std::vector<int>{128, 256, 4, 1, 2}));
  EXPECT_EQ(forced_config_fields("128,256,4,1,-1"), (std::vector<int>{128, 256, 4, 1, -1}));
  EXPECT_EQ(forced_config_fields("128,256,3,1,4,32"), (std::vector<int>{128, 256, 3, 1, 4, 32}));
  for (const char* bad : {"", "128,256,4,1,", "128,256,4", "128,256,4,1,2,3,", "128,256,4,1,2,3,4", "128,256,4,1x", "128;256;4;1",
                          "a,256,4,1", "128,256,4,99999999999"})
    EXPECT_TRUE(forced_config_fields(bad).empty()) << '"' << bad << '"';
}

}  // namespace
