// Random shapes for the correctness sweeps (`fp8gemm check`, the GPU tests): M in 1..8192, N a multiple
// of 8 up to 16384, K a multiple of 16 up to 16384 with tails that are not multiples of 128, ragged
// grouped layouts with empty groups. Sizes are capped so a sweep of hundreds of cases, each checked
// against a double-precision reference, takes minutes.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "support/suites.hpp"

namespace fp8gemm::support {

struct ContiguousCase {
  std::vector<int64_t> group_rows;  // real rows per expert; 0 = an empty expert
  int64_t n = 0, k = 0;
};

struct MaskedCase {
  int64_t groups = 0, max_m = 0, n = 0, k = 0;
  std::vector<int32_t> masked_m;    // 0 (empty group) up to above max_m (clipped by the kernel)
};

class CaseSampler {
 public:
  explicit CaseSampler(uint64_t seed) : rng_(seed) {}

  NormalShape normal();
  ContiguousCase contiguous();
  MaskedCase masked();

 private:
  int64_t uniform(int64_t lo, int64_t hi);      // inclusive
  int64_t log_uniform(int64_t lo, int64_t hi);  // inclusive, every scale equally likely
  bool chance(double p);
  int64_t random_n(int64_t max_n);
  int64_t random_k(int64_t max_k);

  std::mt19937_64 rng_;
};

}  // namespace fp8gemm::support
