// Data movement: TMA tile loads (optionally multicast to the cluster) and stores, small asynchronous
// copies whose completion arrives on an mbarrier, and 16-byte shared/global accesses.
#pragma once

#include "fp8gemm/ptx/types.cuh"

namespace fp8gemm::ptx {

__device__ __forceinline__ void prefetch_tma_descriptor(const TmaDescriptor* desc) {
  asm volatile("prefetch.tensormap [%0];" ::"l"(reinterpret_cast<u64>(desc)) : "memory");
}

// Load the box at (inner, outer) of a 2-D tensor into shared memory; completion is counted in bytes
// on `bar`.
__device__ __forceinline__ void tma_load_2d(const TmaDescriptor* desc, u64* bar, void* dst, i32 inner,
                                            i32 outer) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4}], [%2];" ::"r"(
          smem_addr(dst)),
      "l"(reinterpret_cast<u64>(desc)), "r"(smem_addr(bar)), "r"(inner), "r"(outer)
      : "memory");
}

// The same, written to the same offset in every CTA of `cta_mask`, each CTA's own `bar` counting it.
__device__ __forceinline__ void tma_load_2d_multicast(const TmaDescriptor* desc, u64* bar, void* dst, i32 inner,
                                                      i32 outer, u16 cta_mask) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster"
      " [%0], [%1, {%3, %4}], [%2], %5;" ::"r"(smem_addr(dst)),
      "l"(reinterpret_cast<u64>(desc)), "r"(smem_addr(bar)), "r"(inner), "r"(outer), "h"(cta_mask)
      : "memory");
}

// Store the box at (inner, middle, outer) of a 3-D tensor from shared memory; the part of the box outside
// the tensor is not written. Completion is tracked per thread with bulk groups.
__device__ __forceinline__ void tma_store_3d(const TmaDescriptor* desc, const void* src, i32 inner, i32 middle,
                                             i32 outer) {
  asm volatile("cp.async.bulk.tensor.3d.global.shared::cta.bulk_group [%0, {%2, %3, %4}], [%1];" ::"l"(
                   reinterpret_cast<u64>(desc)),
               "r"(smem_addr(src)), "r"(inner), "r"(middle), "r"(outer)
               : "memory");
}

__device__ __forceinline__ void bulk_commit() { asm volatile("cp.async.bulk.commit_group;" ::: "memory"); }

// Wait until at most kPending of this thread's bulk groups still read their shared-memory source.
template <int kPending>
__device__ __forceinline__ void bulk_wait_read() {
  asm volatile("cp.async.bulk.wait_group.read %0;" ::"n"(kPending) : "memory");
}

// Wait until this thread's bulk groups have completed (their writes are done).
__device__ __forceinline__ void bulk_wait_all() { asm volatile("cp.async.bulk.wait_group 0;" ::: "memory"); }

// Copy 4 bytes global -> shared asynchronously; with `valid` false the destination is zero-filled and
// nothing is read.
__device__ __forceinline__ void cp_async_4(void* dst, const void* src, bool valid) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;" ::"r"(smem_addr(dst)), "l"(src), "r"(valid ? 4 : 0)
               : "memory");
}

// Copy 16 bytes global -> shared asynchronously (both addresses 16-byte aligned), of which the first
// `src_bytes` (0 to 16) are read and the rest zero-filled. Through L2 only (.cg).
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(smem_addr(dst)), "l"(src), "r"(src_bytes)
               : "memory");
}

// Arrive on `bar` once all of this thread's earlier cp.async copies have landed. The arrival counts
// toward the barrier's expected count (noinc).
__device__ __forceinline__ void cp_async_arrive(u64* bar) {
  asm volatile("cp.async.mbarrier.arrive.noinc.shared::cta.b64 [%0];" ::"r"(smem_addr(bar)) : "memory");
}

struct u32x4 {
  u32 x, y, z, w;
};

// Volatile: it stays after the mbarrier wait that made the stage visible.
__device__ __forceinline__ float ld_shared_f32(u32 address) {
  float v;
  asm volatile("ld.shared.f32 %0, [%1];" : "=f"(v) : "r"(address));
  return v;
}

__device__ __forceinline__ u32x4 ld_shared_v4(const void* p) {
  u32x4 v;
  asm volatile("ld.shared.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "r"(smem_addr(p)));
  return v;
}

__device__ __forceinline__ void st_shared_u32(void* p, u32 v) {
  asm volatile("st.shared.u32 [%0], %1;" ::"r"(smem_addr(p)), "r"(v) : "memory");
}

// Four 8x8 matrices of 16-bit values from the warp's registers into shared memory (stmatrix .x4): lanes 8i to
// 8i + 7 give the addresses of matrix i's eight 16-byte rows (plus kOffset, a constant, so that stores that differ
// by a constant share one address register), and register i of lane l holds
// columns 2(l%4), 2(l%4)+1 of row l/4 of matrix i: the layout of a wgmma accumulator fragment's 8x8 pieces.
template <int kOffset>
__device__ __forceinline__ void stmatrix_x4_at(u32 address, u32 m0, u32 m1, u32 m2, u32 m3) {
  asm volatile("stmatrix.sync.aligned.m8n8.x4.shared.b16 [%0+%5], {%1, %2, %3, %4};" ::"r"(address), "r"(m0),
               "r"(m1), "r"(m2), "r"(m3), "n"(kOffset)
               : "memory");
}

__device__ __forceinline__ void st_global_v4(void* p, u32x4 v) {
  asm volatile("st.global.v4.u32 [%0], {%1, %2, %3, %4};" ::"l"(p), "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w)
               : "memory");
}

// Two floats to packed BF16 (round to nearest even): `lo` in the low half.
__device__ __forceinline__ u32 pack_bf16x2(float lo, float hi) {
  u32 r;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
  return r;
}

}  // namespace fp8gemm::ptx
