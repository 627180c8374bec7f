// Kernels of a sweep compiled before it runs, on all cores at once: a correctness sweep over hundreds
// of random shapes would otherwise compile one kernel per shape, one after the other, on its first call.
#pragma once

#include <cstdint>
#include <vector>

#include "heuristics/config.hpp"

namespace fp8gemm::support {

// One GEMM call as the heuristics see it: m is M (normal), the total rows (contiguous) or the
// expected_m hint (masked).
struct KernelUse {
  heuristics::Layout layout = heuristics::Layout::normal;
  int64_t m = 0, n = 0, k = 0, groups = 1;
};

struct PrecompileSummary {
  int kernels = 0, compiled = 0, cached = 0, failed = 0;
  double seconds = 0;
};

// Fills the kernel cache for these calls (for the current device's SM count). A kernel that fails to
// compile is only counted: the call that needs it reports the error when it runs.
PrecompileSummary precompile(const std::vector<KernelUse>& uses);

}  // namespace fp8gemm::support
