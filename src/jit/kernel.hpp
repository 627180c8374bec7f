// The one path from a generated kernel to a launchable function: memoized by kernel name in this
// process, then the cache (memory, disk, compiler), then the module of the current context.
#pragma once

#include <cuda.h>

#include <functional>
#include <string>

namespace fp8gemm::jit {

// The extern "C" kernel `name` for sm_90a; `source` is called only the first time `name` is asked for.
// Raises the kernel's dynamic shared memory limit to `dynamic_smem_bytes`.
CUfunction get_kernel(const std::string& name, const std::function<std::string()>& source, int dynamic_smem_bytes);

}  // namespace fp8gemm::jit
