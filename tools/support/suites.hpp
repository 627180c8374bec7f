// The shape suites of the issues: what `fp8gemm bench` measures and what the correctness sweeps always
// include.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fp8gemm::support {

struct NormalShape {
  int64_t m, n, k;
};
// groups experts of rows_per_group rows each (already a multiple of the contiguous alignment).
struct ContiguousShape {
  int64_t groups, rows_per_group, n, k;
};
// groups of max_m rows, all of them real (masked_m = max_m).
struct MaskedShape {
  int64_t groups, max_m, n, k;
};

// M in {64, 128, 4096} x (N, K) in {(2112, 7168), (24576, 1536), (32768, 512), (7168, 16384),
// (4096, 7168), (7168, 2048)}: the 18 DeepSeek-V3 shapes of issue 3.
std::vector<NormalShape> deepseek_v3_shapes();
// Issue 4's bench rows.
std::vector<ContiguousShape> contiguous_bench_shapes();
std::vector<MaskedShape> masked_bench_shapes();

// "M,N,K" (M >= 0, N and K > 0); throws std::invalid_argument otherwise.
NormalShape parse_shape(const std::string& text);
// "G,ROWS,N,K": G >= 1 experts of ROWS rows each (ROWS >= 0, a multiple of the contiguous layout's M
// alignment), N and K > 0; throws std::invalid_argument otherwise.
ContiguousShape parse_contiguous_shape(const std::string& text);
// "G,MAX_M,N,K": G >= 1 groups of MAX_M >= 0 rows, all of them real, N and K > 0; throws
// std::invalid_argument otherwise.
MaskedShape parse_masked_shape(const std::string& text);

}  // namespace fp8gemm::support
