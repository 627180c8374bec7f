// TMA descriptors for the kernel's operand tiles and its output.
#pragma once

#include <cuda.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "runtime/recent_cache.hpp"

namespace fp8gemm::runtime {

constexpr cuuint32_t kMaxTileMapRank = 3;  // the largest tensor the library describes: [groups, rows, cols]

// Every argument of cuTensorMapEncodeTiled, the dimensions above `rank` zero. The encode reads nothing
// else (no context, no device state), so equal arguments give the same map: the cache in tma.cpp keys on
// all of them and never has to reason about which ones a caller varies.
struct TiledEncodeArgs {
  const void* base;
  std::array<cuuint64_t, kMaxTileMapRank> dims;         // innermost first, in elements
  std::array<cuuint64_t, kMaxTileMapRank - 1> strides;  // bytes, of dimensions 1 and up
  std::array<cuuint32_t, kMaxTileMapRank> box;
  std::array<cuuint32_t, kMaxTileMapRank> element_strides;
  CUtensorMapDataType dtype;
  cuuint32_t rank;
  CUtensorMapInterleave interleave;
  CUtensorMapSwizzle swizzle;
  CUtensorMapL2promotion l2_promotion;
  CUtensorMapFloatOOBfill oob_fill;

  // Compares all the bytes a word at a time, without a branch: a defaulted == walks the arrays through
  // out-of-line memcmp calls, which cost the warm call about 10 ns.
  bool operator==(const TiledEncodeArgs& other) const {
    static_assert(sizeof(TiledEncodeArgs) % sizeof(uint64_t) == 0);
    const auto* mine = reinterpret_cast<const unsigned char*>(this);
    const auto* theirs = reinterpret_cast<const unsigned char*>(&other);
    uint64_t difference = 0;
    for (size_t offset = 0; offset < sizeof(TiledEncodeArgs); offset += sizeof(uint64_t)) {
      uint64_t a, b;
      std::memcpy(&a, mine + offset, sizeof(a));
      std::memcpy(&b, theirs + offset, sizeof(b));
      difference |= a ^ b;
    }
    return difference == 0;
  }
};
// No padding, so equal bytes are equal arguments and the other way round.
static_assert(std::has_unique_object_representations_v<TiledEncodeArgs>);

// Where a tensor lies and its shape are what tell a thread's maps apart; the other arguments take a few
// values per layout. Equal hashes only cost a comparison (the cache compares whole keys).
struct TiledEncodeArgsHash {
  size_t operator()(const TiledEncodeArgs& a) const {
    return recent_cache_hash({reinterpret_cast<uintptr_t>(a.base), a.dims[0], a.dims[1], a.dims[2], a.box[1]});
  }
};

// A 2-D row-major FP8 tensor [rows, cols] with `row_stride_bytes`, read in boxes of box_rows x 128
// bytes with the 128-byte swizzle (what the wgmma descriptors expect). Out-of-bounds reads are zeros.
CUtensorMap make_fp8_tile_map(const void* base, int64_t rows, int64_t cols, int64_t row_stride_bytes, int box_rows);

// A 3-D row-major BF16 tensor [groups, rows, cols] (groups 1 for a 2-D one), written in boxes of one
// group x box_rows x 64 elements (128 bytes) with the 128-byte swizzle (the epilogue's staging layout).
// The part of a box outside the tensor is skipped, so a box never spills into the next group.
CUtensorMap make_bf16_tile_map(const void* base, int64_t groups, int64_t rows, int64_t cols, int64_t row_stride_bytes,
                               int64_t group_stride_bytes, int box_rows);

}  // namespace fp8gemm::runtime
