#include "support/random_cases.hpp"

#include <algorithm>
#include <cmath>

namespace fp8gemm::support {

// Caps on a normal case: operand elements (host generation and quantization dominate the time of a
// case), output elements (the comparison), and the work.
static constexpr int64_t kMaxOperandElements = int64_t{1} << 26;
static constexpr int64_t kMaxOutputElements = int64_t{1} << 25;
static constexpr double kMaxMacs = 68.7e9;
// Grouped cases: operand elements over all groups.
static constexpr int64_t kMaxGroupedElements = int64_t{1} << 26;

int64_t CaseSampler::uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

int64_t CaseSampler::log_uniform(int64_t lo, int64_t hi) {
  std::uniform_real_distribution<double> exponent(std::log(static_cast<double>(lo)),
                                                  std::log(static_cast<double>(hi) + 1.0));
  return std::clamp<int64_t>(static_cast<int64_t>(std::exp(exponent(rng_))), lo, hi);
}

bool CaseSampler::chance(double p) { return std::bernoulli_distribution(p)(rng_); }

// A third of the Ns are whole 128-blocks (the common case), the rest any multiple of 8 (a partial last tile).
int64_t CaseSampler::random_n(int64_t max_n) {
  if (chance(1.0 / 3.0)) return log_uniform(1, max_n / 128) * 128;
  return log_uniform(1, max_n / 8) * 8;
}

// A third of the Ks are whole 128-blocks, a third have a tail that leaves the last scale group short,
// a third are any multiple of 16.
int64_t CaseSampler::random_k(int64_t max_k) {
  const int64_t kind = uniform(0, 2);
  if (kind == 0) return log_uniform(1, max_k / 128) * 128;
  if (kind == 1 && max_k >= 256) return log_uniform(1, max_k / 128 - 1) * 128 + uniform(1, 7) * 16;
  return log_uniform(1, max_k / 16) * 16;
}

NormalShape CaseSampler::normal() {
  for (;;) {
    const NormalShape s{log_uniform(1, 8192), random_n(16384), random_k(16384)};
    if ((s.m + s.n) * s.k <= kMaxOperandElements && s.m * s.n <= kMaxOutputElements &&
        static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k) <= kMaxMacs)
      return s;
  }
}

ContiguousCase CaseSampler::contiguous() {
  for (;;) {
    ContiguousCase c;
    const int64_t groups = uniform(1, 64);
    const int64_t max_rows = log_uniform(1, 2048);
    c.n = random_n(8192);
    c.k = random_k(8192);
    int64_t rows_total = 0;
    for (int64_t g = 0; g < groups; ++g) {
      c.group_rows.push_back(chance(0.15) ? 0 : uniform(1, max_rows));
      rows_total += c.group_rows.back();
    }
    if ((rows_total + groups * c.n) * c.k <= kMaxGroupedElements && rows_total * c.n <= kMaxOutputElements) return c;
  }
}

MaskedCase CaseSampler::masked() {
  for (;;) {
    MaskedCase c;
    c.groups = uniform(1, 64);
    c.max_m = log_uniform(1, 1024);
    c.n = random_n(8192);
    c.k = random_k(8192);
    for (int64_t g = 0; g < c.groups; ++g) {
      int64_t rows = uniform(1, c.max_m);
      if (chance(0.15)) rows = 0;
      else if (chance(0.1)) rows = c.max_m + uniform(1, 1000);  // the kernel clips it to max_m
      c.masked_m.push_back(static_cast<int32_t>(rows));
    }
    if (c.groups * (c.max_m + c.n) * c.k <= kMaxGroupedElements && c.groups * c.max_m * c.n <= kMaxOutputElements)
      return c;
  }
}

}  // namespace fp8gemm::support
