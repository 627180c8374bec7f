// Quantization of BF16 / FP16 / FP32 tensors to E4M3 with FP32 scales, in groups of 1 x 128 (per token:
// activations) or 128 x 128 (per block: weights). Bit for bit the CPU reference (src/reference):
//
//   scale = max(amax, 1e-4) / 448           FP32, a true division; with pow2_scales rounded up to a
//                                           power of two (UE8M0-style)
//   q     = e4m3(x / scale)                 the codes of a true division (not of x * (1/scale); see
//                                           Divisor), round to nearest even, saturated to ±448; a NaN
//                                           stays a NaN of the same sign
//
// amax ignores NaN inputs. Both kernels are bandwidth-bound: every thread reads 16-byte vectors (all of
// its loads issued before any is used), the lanes of a group exchange their maxima by warp shuffles, and
// the codes are written 4 or 8 bytes per thread, coalesced across the group. The "scalar" variants
// (kVectorized = false) read and write element by element, for rows that are not 16-byte aligned.
#pragma once

#include "fp8gemm/ptx/convert.cuh"
#include "fp8gemm/ptx/global.cuh"
#include "fp8gemm/ptx/types.cuh"
#include "fp8gemm/quantize_params.h"

namespace fp8gemm::quantize {

// Input element types: element i of a 16-byte vector (four 32-bit words, little-endian), as a float.
struct Bf16 {
  static constexpr int kBytes = 2;
  __device__ __forceinline__ static float element(const u32 (&w)[4], int i) {
    return ptx::bf16_to_float((w[i / 2] >> (16 * (i % 2))) & 0xffffu);
  }
};

struct F16 {
  static constexpr int kBytes = 2;
  __device__ __forceinline__ static float element(const u32 (&w)[4], int i) {
    return ptx::f16_to_float((w[i / 2] >> (16 * (i % 2))) & 0xffffu);
  }
};

struct F32 {
  static constexpr int kBytes = 4;
  __device__ __forceinline__ static float element(const u32 (&w)[4], int i) { return ptx::bits_to_float(w[i]); }
};

constexpr float kE4m3Max = 448.0f;
constexpr float kMinAmax = 1e-4f;  // an all-zero group still gets a finite, non-zero scale

__device__ __forceinline__ float group_scale(float amax, int pow2_scales) {
  float scale = ptx::div_rn(ptx::max_f32(amax, kMinAmax), kE4m3Max);
  // Scales are positive normal numbers: adding an all-ones mantissa carries into the exponent unless the
  // mantissa is zero (already a power of two); clearing it leaves the power of two at or above.
  if (pow2_scales) scale = ptx::bits_to_float((ptx::float_to_bits(scale) + 0x7fffffu) & ~0x7fffffu);
  return scale;
}

// The vector of row `row` (of batch b) starting at column `col`; zeros outside the tensor (they leave
// every amax as it is).
template <class In, bool kVectorized>
__device__ __forceinline__ void load_vector(const QuantizeParams& p, int b, int row, int col, u32 (&w)[4]) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
  w[0] = w[1] = w[2] = w[3] = 0;
  if (row >= p.rows || col >= p.cols) return;
  const u8* base = static_cast<const u8*>(p.x) +
                   (static_cast<i64>(b) * p.x_stride_b + static_cast<i64>(row) * p.x_stride_r + col) * In::kBytes;
  if constexpr (kVectorized) {  // cols is a multiple of kVec: the vector is wholly inside the row
    ptx::ld_global_stream_v4(base, w);
  } else {
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
      if (col + i >= p.cols) break;
      const int byte = i * In::kBytes;
      u32 bits;
      if constexpr (In::kBytes == 2)
        bits = ptx::ld_global_stream_u16(base + byte);
      else
        bits = ptx::ld_global_stream_u32(base + byte);
      w[byte / 4] |= bits << (8 * (byte % 4));
    }
  }
}

// The largest magnitude of a vector's elements (0 for an all-NaN vector).
template <class In>
__device__ __forceinline__ float vector_amax(const u32 (&w)[4], float amax) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
#pragma unroll
  for (int i = 0; i < kVec; ++i) amax = ptx::max_f32(amax, ptx::abs_f32(In::element(w, i)));
  return amax;
}

// Division by a group's scale, bit for bit a true division where it matters, at the cost of a
// multiplication and two FMAs per element instead of a full div.rn. With y = RN(1 / scale):
//   q = RN(|x| * y),  r = |x| - q * scale (exact, by FMA),  RN(q + r * y)
// is the correctly rounded |x| / scale whenever nothing underflows (Markstein's correction step: y within
// half an ulp of 1 / scale, q within one ulp of the quotient). Underflow needs a quotient below about
// 2^-100, and every quotient below 2^-10 becomes a zero code either way, so the codes equal those of a
// true division (checked on the CPU against x / scale for every BF16 input and random FP32 inputs over
// thousands of scales). The sign is the input's: -0 and tiny negatives keep it as the reference does.
// An infinite scale (a group holding an infinity) has no finite reciprocal: it takes div.rn.
struct Divisor {
  float scale, inverse;
  bool finite;

  __device__ __forceinline__ explicit Divisor(float s)
      : scale(s), inverse(ptx::rcp_rn(s)), finite(ptx::float_to_bits(s) != 0x7f800000u) {}

  __device__ __forceinline__ float quotient(float x) const {
    const float magnitude = ptx::abs_f32(x);
    const float q = ptx::mul_rn(magnitude, inverse);
    const float r = ptx::fma_rn(-q, scale, magnitude);
    const float rounded = ptx::fma_rn(r, inverse, q);
    return ptx::bits_to_float(ptx::float_to_bits(rounded) | (ptx::float_to_bits(x) & 0x80000000u));
  }
};

// E4M3 codes of a vector's elements divided by the scale, four per word, element 0 in the lowest byte.
template <class In>
__device__ __forceinline__ void vector_codes(const u32 (&w)[4], const Divisor& d,
                                             u32 (&codes)[kQuantizeVectorBytes / In::kBytes / 4]) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
  float v[kVec];
#pragma unroll
  for (int i = 0; i < kVec; ++i) v[i] = In::element(w, i);
  if (d.finite) {
#pragma unroll
    for (int j = 0; j < kVec / 4; ++j)
      codes[j] = ptx::e4m3x2(d.quotient(v[4 * j]), d.quotient(v[4 * j + 1])) |
                 (ptx::e4m3x2(d.quotient(v[4 * j + 2]), d.quotient(v[4 * j + 3])) << 16);
  } else {
#pragma unroll
    for (int j = 0; j < kVec / 4; ++j)
      codes[j] = ptx::e4m3x2(ptx::div_rn(v[4 * j], d.scale), ptx::div_rn(v[4 * j + 1], d.scale)) |
                 (ptx::e4m3x2(ptx::div_rn(v[4 * j + 2], d.scale), ptx::div_rn(v[4 * j + 3], d.scale)) << 16);
  }
  // Only NaN converts to a code whose low 7 bits are all ones (finite values saturate at 0x7e): adding 1
  // to the low 7 bits of each byte carries into the byte's top bit exactly for those.
  bool any_nan = false;
#pragma unroll
  for (int j = 0; j < kVec / 4; ++j) any_nan |= (((codes[j] & 0x7f7f7f7fu) + 0x01010101u) & 0x80808080u) != 0;
  if (!any_nan) return;
  // The conversion gives every NaN one code; the reference keeps the input's sign (0x7f / 0xff).
#pragma unroll
  for (int i = 0; i < kVec; ++i) {
    if (v[i] != v[i]) {
      const int shift = 8 * (i % 4);
      const u32 nan_code = (ptx::float_to_bits(v[i]) >> 31) ? 0xffu : 0x7fu;
      codes[i / 4] = (codes[i / 4] & ~(0xffu << shift)) | (nan_code << shift);
    }
  }
}

// kEvictFirst: the codes are not read again soon (weights: see ptx/global.cuh).
template <class In, bool kVectorized, bool kEvictFirst>
__device__ __forceinline__ void store_codes(const QuantizeParams& p, int b, int row, int col,
                                            const u32 (&codes)[kQuantizeVectorBytes / In::kBytes / 4]) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
  if (row >= p.rows || col >= p.cols) return;
  u8* base = static_cast<u8*>(p.q) + static_cast<i64>(b) * p.q_stride_b + static_cast<i64>(row) * p.q_stride_r + col;
  if constexpr (!kVectorized) {
#pragma unroll
    for (int i = 0; i < kVec; ++i)
      if (col + i < p.cols) ptx::st_global_u8(base + i, (codes[i / 4] >> (8 * (i % 4))) & 0xffu);
  } else if constexpr (kVec == 8) {
    ptx::st_global_v2<kEvictFirst>(base, codes[0], codes[1]);
  } else {
    ptx::st_global_u32<kEvictFirst>(base, codes[0]);
  }
}

__device__ __forceinline__ float* scale_address(const QuantizeParams& p, int b, int row, int col_block) {
  return p.scales + static_cast<i64>(b) * p.s_stride_b + static_cast<i64>(row) * p.s_stride_r +
         static_cast<i64>(col_block) * p.s_stride_c;
}

// Grid: (ceil(cols / 128), min(ceil(rows / per_token_tile_rows), 65535), batches). A CTA takes a tile of
// rows of one 128-column group (more than one when the row tiles outnumber gridDim.y); each group of
// kLanes lanes takes one row per pass. Neighbouring CTAs take neighbouring column groups of the same
// rows, so the CTAs in flight read a few long runs of memory rather than many short ones (+5% bandwidth
// on the H100 over rows-first order, bench/results/NOTES.md). Neighbouring rows go to neighbouring lane
// groups, so the MN-major scales of a pass are written side by side.
template <class In, bool kVectorized>
__device__ __forceinline__ void per_token(const QuantizeParams& p) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
  constexpr int kLanes = quantize_lanes_per_group(In::kBytes);
  constexpr int kRowsPerPass = kQuantizeThreads / kLanes;
  constexpr int kTileRows = per_token_tile_rows(In::kBytes);
  const int lane = threadIdx.x % kLanes;
  const int col_block = blockIdx.x;
  const int col = col_block * kQuantizeGroup + lane * kVec;
  const int b = blockIdx.z;
  const int row_tiles = (p.rows + kTileRows - 1) / kTileRows;

  for (int tile = blockIdx.y; tile < row_tiles; tile += gridDim.y) {
    const int first_row = tile * kTileRows + threadIdx.x / kLanes;
    u32 w[kPerTokenPasses][4];
#pragma unroll
    for (int pass = 0; pass < kPerTokenPasses; ++pass)
      load_vector<In, kVectorized>(p, b, first_row + pass * kRowsPerPass, col, w[pass]);

#pragma unroll
    for (int pass = 0; pass < kPerTokenPasses; ++pass) {
      const int row = first_row + pass * kRowsPerPass;
      float amax = vector_amax<In>(w[pass], 0.0f);
#pragma unroll
      for (int mask = kLanes / 2; mask > 0; mask /= 2) amax = ptx::max_f32(amax, ptx::shfl_xor(amax, mask));
      const float scale = group_scale(amax, p.pow2_scales);
      if (row < p.rows) {
        if (lane == 0) ptx::st_global_f32(scale_address(p, b, row, col_block), scale);
        u32 codes[kVec / 4];
        vector_codes<In>(w[pass], Divisor(scale), codes);
        store_codes<In, kVectorized, false>(p, b, row, col, codes);
      }
    }
  }
}

// Grid: (ceil(cols / 128), ceil(rows / 128), batches). A CTA takes one 128 x 128 block: all of it is
// loaded into registers (kPasses vectors per thread), reduced by shuffles and across warps through
// shared memory, then converted and stored.
template <class In, bool kVectorized>
__device__ __forceinline__ void per_block(const QuantizeParams& p) {
  constexpr int kVec = kQuantizeVectorBytes / In::kBytes;
  constexpr int kLanes = quantize_lanes_per_group(In::kBytes);
  constexpr int kThreads = per_block_threads(kVectorized);
  constexpr int kRowsPerPass = kThreads / kLanes;
  constexpr int kPasses = kQuantizeGroup / kRowsPerPass;
  constexpr int kWarps = kThreads / 32;
  __shared__ float warp_amax[kWarps];
  const int lane = threadIdx.x % kLanes;
  const int col_block = blockIdx.x, row_block = blockIdx.y;
  const int col = col_block * kQuantizeGroup + lane * kVec;
  const int b = blockIdx.z;
  const int first_row = row_block * kQuantizeGroup + threadIdx.x / kLanes;

  u32 w[kPasses][4];
#pragma unroll
  for (int pass = 0; pass < kPasses; ++pass)
    load_vector<In, kVectorized>(p, b, first_row + pass * kRowsPerPass, col, w[pass]);

  float amax = 0.0f;
#pragma unroll
  for (int pass = 0; pass < kPasses; ++pass) amax = vector_amax<In>(w[pass], amax);
#pragma unroll
  for (int mask = 16; mask > 0; mask /= 2) amax = ptx::max_f32(amax, ptx::shfl_xor(amax, mask));
  if (threadIdx.x % 32 == 0) warp_amax[threadIdx.x / 32] = amax;
  __syncthreads();
  amax = warp_amax[0];
#pragma unroll
  for (int i = 1; i < kWarps; ++i) amax = ptx::max_f32(amax, warp_amax[i]);
  const float scale = group_scale(amax, p.pow2_scales);
  if (threadIdx.x == 0) ptx::st_global_f32(scale_address(p, b, row_block, col_block), scale);
  const Divisor divisor(scale);

#pragma unroll
  for (int pass = 0; pass < kPasses; ++pass) {
    u32 codes[kVec / 4];
    vector_codes<In>(w[pass], divisor, codes);
    store_codes<In, kVectorized, true>(p, b, first_row + pass * kRowsPerPass, col, codes);
  }
}

}  // namespace fp8gemm::quantize
