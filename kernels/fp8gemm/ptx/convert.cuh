// IEEE-exact arithmetic and conversions of the quantizers, as single PTX instructions: NVRTC ships no
// cuda_fp8.h / cuda_fp16.h, and spelling each step out keeps fast-math or contraction from changing a
// bit (the quantizers must match the CPU reference exactly).
#pragma once

#include "fp8gemm/ptx/types.cuh"

namespace fp8gemm::ptx {

__device__ __forceinline__ float bits_to_float(u32 b) {
  float f;
  asm("mov.b32 %0, %1;" : "=f"(f) : "r"(b));
  return f;
}

__device__ __forceinline__ u32 float_to_bits(float f) {
  u32 b;
  asm("mov.b32 %0, %1;" : "=r"(b) : "f"(f));
  return b;
}

// BF16 bits -> float: exact (the BF16 bits are the float's upper half).
__device__ __forceinline__ float bf16_to_float(u32 bits16) { return bits_to_float(bits16 << 16); }

// FP16 bits -> float: exact. cvt.f32.f16 turns every NaN into the canonical (positive) NaN; the sign
// is put back because the E4M3 NaN code carries it (seen on the H100: -NaN gave 0x7f, not 0xff).
__device__ __forceinline__ float f16_to_float(u32 bits16) {
  float f;
  asm("{\n.reg .b16 h;\ncvt.u16.u32 h, %1;\ncvt.f32.f16 %0, h;\n}" : "=f"(f) : "r"(bits16));
  if (f != f) f = bits_to_float(float_to_bits(f) | ((bits16 & 0x8000u) << 16));
  return f;
}

// a / b correctly rounded (round to nearest even), subnormals kept: not a multiplication by 1/b.
__device__ __forceinline__ float div_rn(float a, float b) {
  float r;
  asm("div.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}

// 1 / a correctly rounded.
__device__ __forceinline__ float rcp_rn(float a) {
  float r;
  asm("rcp.rn.f32 %0, %1;" : "=f"(r) : "f"(a));
  return r;
}

// a * b, rounded once (.rn: never fused into a later addition).
__device__ __forceinline__ float mul_rn(float a, float b) {
  float r;
  asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}

// a * b + c, rounded once.
__device__ __forceinline__ float fma_rn(float a, float b, float c) {
  float r;
  asm("fma.rn.f32 %0, %1, %2, %3;" : "=f"(r) : "f"(a), "f"(b), "f"(c));
  return r;
}

// The larger of a and b; a NaN operand is ignored (the other is returned), as std::max(amax, |x|) does
// when amax is a number.
__device__ __forceinline__ float max_f32(float a, float b) {
  float r;
  asm("max.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
  return r;
}

__device__ __forceinline__ float abs_f32(float a) {
  float r;
  asm("abs.f32 %0, %1;" : "=f"(r) : "f"(a));
  return r;
}

// Two floats to E4M3 codes, round to nearest even, finite values beyond ±448 saturated to ±448;
// `lo` in the low byte.
__device__ __forceinline__ u32 e4m3x2(float lo, float hi) {
  u16 r;
  asm("cvt.rn.satfinite.e4m3x2.f32 %0, %1, %2;" : "=h"(r) : "f"(hi), "f"(lo));
  return r;
}

// The warp's lanes exchange v with lane ^ mask (all 32 lanes take part).
__device__ __forceinline__ float shfl_xor(float v, int mask) {
  float r;
  asm volatile("shfl.sync.bfly.b32 %0, %1, %2, 0x1f, 0xffffffff;" : "=f"(r) : "f"(v), "r"(mask));
  return r;
}

}  // namespace fp8gemm::ptx
