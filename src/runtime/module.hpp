// Loads cubins into the current context and looks up kernels; memoized per (cubin, context).
#pragma once

#include <cuda.h>

#include <memory>
#include <string>
#include <vector>

namespace fp8gemm::runtime {

// Returns the function `name` (an extern "C" kernel) of `cubin`, loaded in the current context.
// Also raises its dynamic shared memory limit to `dynamic_smem_bytes`.
CUfunction load_kernel(const std::shared_ptr<const std::vector<char>>& cubin, const std::string& name,
                       int dynamic_smem_bytes);

}  // namespace fp8gemm::runtime
