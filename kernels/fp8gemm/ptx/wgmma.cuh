// wgmma helpers shared by every tile width. The mma instruction itself (its operand list depends on
// BLOCK_N) is generated with the kernel source: see src/jit/kernel_source.cpp.
#pragma once

#include "fp8gemm/ptx/types.cuh"

namespace fp8gemm::ptx {

// Shared-memory matrix descriptor for a K-major tile stored with the 128-byte swizzle that TMA writes:
// rows of 128 bytes, 8-row groups 1024 bytes apart.
__device__ __forceinline__ u64 smem_descriptor_sw128(const void* tile) {
  const u64 start = (smem_addr(tile) & 0x3FFFF) >> 4;
  const u64 leading = 0;               // unused for swizzled K-major layouts
  const u64 stride = 1024 >> 4;        // next group of 8 rows
  const u64 swizzle_128b = 1;
  return start | (leading << 16) | (stride << 32) | (swizzle_128b << 62);
}

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;" ::: "memory"); }

__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory"); }

template <int kPending>
__device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(kPending) : "memory");
}

// Keep the compiler from moving accumulator reads/writes across wgmma boundaries.
__device__ __forceinline__ void fence_register(float& r) { asm volatile("" : "+f"(r)::"memory"); }

}  // namespace fp8gemm::ptx
