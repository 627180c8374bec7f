// Global-memory accesses of the streaming kernels (quantization): read-only loads that bypass L1 (each
// byte is read once), plain stores where the GEMM reads the results next, from L2 where they fit
// (activations, per token), and evict-first stores (.cs) where it does not (weights, per block).
#pragma once

#include "fp8gemm/ptx/types.cuh"

namespace fp8gemm::ptx {

// 16 bytes; p 16-byte aligned.
__device__ __forceinline__ void ld_global_stream_v4(const void* p, u32 (&v)[4]) {
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(v[0]), "=r"(v[1]), "=r"(v[2]), "=r"(v[3])
               : "l"(p));
}

__device__ __forceinline__ u32 ld_global_stream_u16(const void* p) {
  u16 v;
  asm volatile("ld.global.nc.L1::no_allocate.u16 %0, [%1];" : "=h"(v) : "l"(p));
  return v;
}

__device__ __forceinline__ u32 ld_global_stream_u32(const void* p) {
  u32 v;
  asm volatile("ld.global.nc.L1::no_allocate.u32 %0, [%1];" : "=r"(v) : "l"(p));
  return v;
}

__device__ __forceinline__ void st_global_u8(void* p, u32 v) {
  asm volatile("st.global.u8 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}

// kEvictFirst (.cs): the line is not kept in L2 for a later reader.
template <bool kEvictFirst>
__device__ __forceinline__ void st_global_u32(void* p, u32 v) {
  if constexpr (kEvictFirst)
    asm volatile("st.global.cs.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
  else
    asm volatile("st.global.u32 [%0], %1;" ::"l"(p), "r"(v) : "memory");
}

// 8 bytes; p 8-byte aligned.
template <bool kEvictFirst>
__device__ __forceinline__ void st_global_v2(void* p, u32 lo, u32 hi) {
  if constexpr (kEvictFirst)
    asm volatile("st.global.cs.v2.u32 [%0], {%1, %2};" ::"l"(p), "r"(lo), "r"(hi) : "memory");
  else
    asm volatile("st.global.v2.u32 [%0], {%1, %2};" ::"l"(p), "r"(lo), "r"(hi) : "memory");
}

__device__ __forceinline__ void st_global_f32(float* p, float v) {
  asm volatile("st.global.f32 [%0], %1;" ::"l"(p), "f"(v) : "memory");
}

}  // namespace fp8gemm::ptx
