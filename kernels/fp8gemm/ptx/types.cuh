// Fixed-width types for device code compiled by NVRTC, which ships no standard headers.
#pragma once

namespace fp8gemm {

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

// A TMA descriptor as the driver encodes it (CUtensorMap: 128 bytes, 64-byte aligned).
struct alignas(64) TmaDescriptor {
  u64 opaque[16];
};

// Shared-memory address of a generic pointer (the form PTX shared-memory instructions take).
__device__ __forceinline__ u32 smem_addr(const void* p) {
  return static_cast<u32>(__cvta_generic_to_shared(p));
}

}  // namespace fp8gemm
