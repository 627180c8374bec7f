// The launch configuration every fp8gemm kernel uses: a 1-D grid of CTAs in clusters along x (a cluster
// of 1 is still given as an attribute, so that all launches take the same driver path).
#pragma once

#include <cuda.h>

namespace fp8gemm::runtime {

// `grid` CTAs of `threads` threads with `smem_bytes` of dynamic shared memory, `cluster` CTAs per
// cluster, on `stream`. The config points to `attribute`, which the caller keeps alive until the launch.
CUlaunchConfig cluster_launch_config(unsigned grid, unsigned threads, unsigned smem_bytes, unsigned cluster,
                                     CUstream stream, CUlaunchAttribute& attribute);

}  // namespace fp8gemm::runtime
