#include "runtime/tma.hpp"

#include "runtime/driver.hpp"
#include "runtime/recent_cache.hpp"

namespace fp8gemm::runtime {
namespace {

CUtensorMap encode(const TiledEncodeArgs& a) {
  CUtensorMap map;
  check(driver().TensorMapEncodeTiled(&map, a.dtype, a.rank, const_cast<void*>(a.base), a.dims.data(),
                                      a.strides.data(), a.box.data(), a.element_strides.data(), a.interleave,
                                      a.swizzle, a.l2_promotion, a.oob_fill),
        "cuTensorMapEncodeTiled");
  return map;
}

// A serving loop passes the same weights and (from a caching allocator) the same activation and output
// buffers call after call, so the thread keeps the maps it encoded last: a warm call copies 128 bytes
// instead of asking the driver again. One cache per kind of map, so that the many weights' maps do not
// push out the outputs'. 16 sets of 4: 64 maps (16 KiB) per kind and thread.
using RecentMaps = RecentCache<TiledEncodeArgs, CUtensorMap, TiledEncodeArgsHash, 16, 4>;

// The arguments common to the library's maps: tiles of 128 bytes' width in the 128-byte swizzle (the
// layout the wgmma descriptors and the epilogue's staging expect), every element, and zeros for what lies
// outside the tensor (the K tail, the M and N edges).
TiledEncodeArgs swizzled_tile_args(const void* base, CUtensorMapDataType dtype, cuuint32_t rank) {
  TiledEncodeArgs args{};
  args.base = base;
  args.dtype = dtype;
  args.rank = rank;
  for (cuuint32_t i = 0; i < rank; ++i) args.element_strides[i] = 1;
  args.interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  args.swizzle = CU_TENSOR_MAP_SWIZZLE_128B;
  args.l2_promotion = CU_TENSOR_MAP_L2_PROMOTION_L2_256B;
  args.oob_fill = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;
  return args;
}

}  // namespace

CUtensorMap make_fp8_tile_map(const void* base, int64_t rows, int64_t cols, int64_t row_stride_bytes, int box_rows) {
  thread_local RecentMaps recent;
  TiledEncodeArgs args = swizzled_tile_args(base, CU_TENSOR_MAP_DATA_TYPE_UINT8, 2);
  args.dims = {static_cast<cuuint64_t>(cols), static_cast<cuuint64_t>(rows), 0};
  args.strides = {static_cast<cuuint64_t>(row_stride_bytes), 0};
  args.box = {128, static_cast<cuuint32_t>(box_rows), 0};
  return recent.get(args, [&] { return encode(args); });
}

CUtensorMap make_bf16_tile_map(const void* base, int64_t groups, int64_t rows, int64_t cols, int64_t row_stride_bytes,
                               int64_t group_stride_bytes, int box_rows) {
  thread_local RecentMaps recent;
  TiledEncodeArgs args = swizzled_tile_args(base, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 3);
  args.dims = {static_cast<cuuint64_t>(cols), static_cast<cuuint64_t>(rows), static_cast<cuuint64_t>(groups)};
  args.strides = {static_cast<cuuint64_t>(row_stride_bytes), static_cast<cuuint64_t>(group_stride_bytes)};
  args.box = {64, static_cast<cuuint32_t>(box_rows), 1};  // 64 elements: 128 bytes
  return recent.get(args, [&] { return encode(args); });
}

}  // namespace fp8gemm::runtime
