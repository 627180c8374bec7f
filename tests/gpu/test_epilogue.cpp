// Every way the epilogue writes D, forced through FP8GEMM_CONFIG whatever the heuristic would pick:
// TMA stores of whole 64-row boxes (tiles a multiple of 64 wide), the row-predicated stores they fall
// back to where a warpgroup's rows include one the layout must not write (masked rows from masked_m on,
// contiguous -1 padding), and the predicated stores of the other widths. The poisoned guard bands and
// the untouched-row checks of run_and_check catch a box written whole where it must not be.
#include <string>
#include <vector>

#include "gpu_test.hpp"
#include "support/forced_config.hpp"
#include "support/random_cases.hpp"

namespace fp8gemm::testing {
namespace {

using support::ForcedConfig;
using support::kAllLayouts;

// BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]]: TMA stores with one and two math warpgroups (64, 128
// wide), the 256-wide tile of 64-column parts (4 stages and two staging rounds, or 3 and one) with and
// without K blocks overlapping (in runs of 2 and 3: a run may end mid-tile or cover a short K; with
// the 192-wide tile's three parts the scratch accumulators swap roles from block to block), a width
// that is no multiple of 64 (predicated stores only), and one-part tiles overlapping whole K
// blocks (one warpgroup in runs of 3; 112 wide in runs of 2, whose tiles straddle two B-scale blocks).
// Then the overlaps the heuristic picks: 192 wide in runs of 4, and one warpgroup's 96-wide (straddling
// two B-scale blocks) and 128-wide tiles. Last, the tile scheduler's bands of other heights than 16 m blocks:
// 3 (a last band cut short wherever the m blocks are no multiple of 3) and 1 (rows of tiles in turn).
const char* const kConfigs[] = {"128,64,4,1",    "64,128,4,1",    "128,128,4,1",   "128,256,4,1",
                                "128,256,3,1",   "128,256,4,1,2", "128,256,3,1,3", "128,192,4,1,3",
                                "128,136,4,1",   "64,64,4,1,3",   "128,112,4,1,2", "128,192,4,1,4",
                                "64,96,4,1,4",   "64,128,4,1,2",  "128,256,3,1,4,3", "64,128,4,1,0,1"};

class EpiloguePaths : public GpuTest {};

// M around the 64-row boxes: the tensor's end clips the last box.
TEST_F(EpiloguePaths, NormalRowsAroundTheBoxes) {
  for (const char* config : kConfigs) {
    ForcedConfig forced(config);
    int seed = 5000;
    for (int64_t m : {1, 63, 64, 65, 200}) {
      expect_correct(support::make_normal_problem(m, 1024, 640, kAllLayouts[seed % 4], seed),
                     std::string(config) + " M=" + std::to_string(m));
      ++seed;
    }
  }
}

// masked_m below, at and past a box edge within one 128-row block, 0, and above max_m.
TEST_F(EpiloguePaths, MaskedCountsAroundTheBoxes) {
  const std::vector<int32_t> masked_m = {1, 63, 64, 65, 127, 128, 0, 200, 1000};
  for (const char* config : kConfigs) {
    ForcedConfig forced(config);
    expect_correct(support::make_masked_problem(9, 192, masked_m, 1024, 640, kAllLayouts[1], 5100),
                   std::string(config) + " masked_m 1,63,64,65,127,128,0,200,1000 max_m 192");
  }
}

// Experts whose padding (-1 rows) starts inside either 64-row half of a block, and whole blocks.
TEST_F(EpiloguePaths, ContiguousPaddingInsideTheBoxes) {
  const std::vector<int64_t> rows = {1, 64, 65, 128, 100, 0, 256, 30};
  for (const char* config : kConfigs) {
    ForcedConfig forced(config);
    expect_correct(support::make_contiguous_problem(rows, 1024, 640, kAllLayouts[2], 5200),
                   std::string(config) + " rows 1,64,65,128,100,0,256,30");
  }
}

}  // namespace
}  // namespace fp8gemm::testing
