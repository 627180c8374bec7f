// Host-side parallel loop for the harness's data preparation (random operands, dequantization,
// comparisons), which would otherwise dominate the run time of the big shapes.
#pragma once

#include <cstdint>
#include <functional>

namespace fp8gemm::support {

// Calls body(i) for every i in [0, count) on all hardware threads. Results stay deterministic as long as
// body(i) writes only what belongs to i. The first exception thrown by a body is rethrown here.
void parallel_for(int64_t count, const std::function<void(int64_t)>& body);

}  // namespace fp8gemm::support
