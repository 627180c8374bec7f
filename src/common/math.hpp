// Integer arithmetic shared by the library, the tools and the tests (one definition, not a copy per file).
#pragma once

#include <cstdint>

namespace fp8gemm {

// ceil(a / b) for a >= 0, b > 0: how many b-sized blocks (tiles, 128-wide scale groups) cover a.
constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace fp8gemm
