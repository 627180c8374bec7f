// The cache that lets a warm call skip the driver's tensor-map encode (runtime/recent_cache.hpp): a value
// comes back only for a key equal to the one it was made for, byte for byte what the function made, and
// a full set gives up its least recently used entry. Its key there (runtime/tma.hpp) tells apart
// arguments that differ in any field.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <set>
#include <stdexcept>

#include "runtime/recent_cache.hpp"
#include "runtime/tma.hpp"

namespace fp8gemm::testing {
namespace {

struct Key {
  const void* base = nullptr;
  int64_t rows = 0;
  bool operator==(const Key&) const = default;
};

// A stand-in for the encode: 128 bytes that depend on every field of the key, counted per call.
struct Encoder {
  int calls = 0;
  std::array<uint64_t, 16> operator()(const Key& key) {
    ++calls;
    std::array<uint64_t, 16> map{};
    for (size_t i = 0; i < map.size(); ++i)
      map[i] = reinterpret_cast<uintptr_t>(key.base) * (i + 1) + static_cast<uint64_t>(key.rows) * 31;
    return map;
  }
};

struct SpreadHash {
  size_t operator()(const Key& key) const { return reinterpret_cast<uintptr_t>(key.base) / 256 + key.rows; }
};

// Every key in one set: only the full comparison tells them apart.
struct SameHash {
  size_t operator()(const Key&) const { return 7; }
};

template <class Hash, size_t kSets, size_t kWays>
using Cache = runtime::RecentCache<Key, std::array<uint64_t, 16>, Hash, kSets, kWays>;

const void* address(uintptr_t a) { return reinterpret_cast<const void*>(a); }

template <class C>
std::array<uint64_t, 16> get(C& cache, Encoder& encoder, const Key& key) {
  return cache.get(key, [&] { return encoder(key); });
}

TEST(RecentCache, RepeatedKeyReturnsTheSameBytesWithoutEncodingAgain) {
  Cache<SpreadHash, 16, 4> cache;
  Encoder encoder;
  const Key a{address(0x7f0000000000), 4096}, b{address(0x7f0000200000), 7168};
  const auto first_a = get(cache, encoder, a), first_b = get(cache, encoder, b);
  for (int i = 0; i < 3; ++i) {
    const auto again_a = get(cache, encoder, a), again_b = get(cache, encoder, b);
    EXPECT_EQ(std::memcmp(again_a.data(), first_a.data(), sizeof(first_a)), 0);
    EXPECT_EQ(std::memcmp(again_b.data(), first_b.data(), sizeof(first_b)), 0);
  }
  EXPECT_EQ(encoder.calls, 2);
  Encoder fresh;
  EXPECT_EQ(get(cache, encoder, a), fresh(a));
}

TEST(RecentCache, KeysThatDifferInAnyFieldAreMissesEvenWithTheSameHash) {
  Cache<SameHash, 4, 4> cache;
  Encoder encoder;
  const Key a{address(0x1000), 64}, other_base{address(0x2000), 64}, other_rows{address(0x1000), 128};
  Encoder fresh;
  EXPECT_EQ(get(cache, encoder, a), fresh(a));
  EXPECT_EQ(get(cache, encoder, other_base), fresh(other_base));
  EXPECT_EQ(get(cache, encoder, other_rows), fresh(other_rows));
  EXPECT_EQ(encoder.calls, 3);
  // All three share the set and stay there.
  EXPECT_EQ(get(cache, encoder, a), fresh(a));
  EXPECT_EQ(get(cache, encoder, other_base), fresh(other_base));
  EXPECT_EQ(get(cache, encoder, other_rows), fresh(other_rows));
  EXPECT_EQ(encoder.calls, 3);
}

TEST(RecentCache, EmptyEntriesNeverMatch) {
  Cache<SameHash, 1, 2> cache;
  Encoder encoder;
  const Key zero{};  // equal to what an empty entry holds
  EXPECT_EQ(get(cache, encoder, zero), Encoder{}(zero));
  EXPECT_EQ(encoder.calls, 1);
}

TEST(RecentCache, AFullSetEvictsItsLeastRecentlyUsedEntry) {
  Cache<SameHash, 1, 2> cache;
  Encoder encoder;
  const Key a{address(0x1000), 64}, b{address(0x2000), 64}, c{address(0x3000), 64};
  get(cache, encoder, a);
  get(cache, encoder, b);
  get(cache, encoder, a);  // b is now the least recently used
  get(cache, encoder, c);  // replaces b
  EXPECT_EQ(encoder.calls, 3);
  get(cache, encoder, a);
  get(cache, encoder, c);
  EXPECT_EQ(encoder.calls, 3);
  EXPECT_EQ(get(cache, encoder, b), Encoder{}(b));  // encoded again, in place of a
  EXPECT_EQ(encoder.calls, 4);
  get(cache, encoder, c);
  EXPECT_EQ(encoder.calls, 4);
}

TEST(RecentCache, AFailedEncodeLeavesTheCacheAsItWas) {
  Cache<SameHash, 1, 1> cache;
  Encoder encoder;
  const Key a{address(0x1000), 64}, b{address(0x2000), 64};
  get(cache, encoder, a);
  EXPECT_THROW(cache.get(b, []() -> std::array<uint64_t, 16> { throw std::runtime_error("refused"); }),
               std::runtime_error);
  EXPECT_EQ(get(cache, encoder, a), Encoder{}(a));
  EXPECT_EQ(encoder.calls, 1);
}

runtime::TiledEncodeArgs tile_args() {
  runtime::TiledEncodeArgs args{};
  args.base = address(0x7f0000000000);
  args.dims = {7168, 4096, 1};
  args.strides = {7168 * 2, 7168 * 2 * 4096};
  args.box = {64, 64, 1};
  args.element_strides = {1, 1, 1};
  args.dtype = CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  args.rank = 3;
  args.interleave = CU_TENSOR_MAP_INTERLEAVE_NONE;
  args.swizzle = CU_TENSOR_MAP_SWIZZLE_128B;
  args.l2_promotion = CU_TENSOR_MAP_L2_PROMOTION_L2_256B;
  args.oob_fill = CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE;
  return args;
}

TEST(TiledEncodeArgs, EveryArgumentOfTheEncodeTakesPartInTheComparison) {
  const runtime::TiledEncodeArgs args = tile_args();
  EXPECT_TRUE(args == tile_args());
  EXPECT_EQ(runtime::TiledEncodeArgsHash{}(args), runtime::TiledEncodeArgsHash{}(tile_args()));
  using Change = void (*)(runtime::TiledEncodeArgs&);
  const Change changes[] = {
      [](runtime::TiledEncodeArgs& a) { a.base = address(0x7f0000000100); },
      [](runtime::TiledEncodeArgs& a) { a.dims[0] = 7040; },
      [](runtime::TiledEncodeArgs& a) { a.dims[1] = 4095; },
      [](runtime::TiledEncodeArgs& a) { a.dims[2] = 2; },
      [](runtime::TiledEncodeArgs& a) { a.strides[0] += 16; },
      [](runtime::TiledEncodeArgs& a) { a.strides[1] += 16; },
      [](runtime::TiledEncodeArgs& a) { a.box[0] = 32; },
      [](runtime::TiledEncodeArgs& a) { a.box[1] = 128; },
      [](runtime::TiledEncodeArgs& a) { a.box[2] = 2; },
      [](runtime::TiledEncodeArgs& a) { a.element_strides[0] = 2; },
      [](runtime::TiledEncodeArgs& a) { a.element_strides[2] = 2; },
      [](runtime::TiledEncodeArgs& a) { a.dtype = CU_TENSOR_MAP_DATA_TYPE_FLOAT16; },
      [](runtime::TiledEncodeArgs& a) { a.rank = 2; },
      [](runtime::TiledEncodeArgs& a) { a.interleave = CU_TENSOR_MAP_INTERLEAVE_16B; },
      [](runtime::TiledEncodeArgs& a) { a.swizzle = CU_TENSOR_MAP_SWIZZLE_64B; },
      [](runtime::TiledEncodeArgs& a) { a.l2_promotion = CU_TENSOR_MAP_L2_PROMOTION_L2_128B; },
      [](runtime::TiledEncodeArgs& a) { a.oob_fill = CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA; },
  };
  for (size_t i = 0; i < std::size(changes); ++i) {
    runtime::TiledEncodeArgs changed = tile_args();
    changes[i](changed);
    EXPECT_FALSE(changed == args) << "change " << i;
    EXPECT_FALSE(args == changed) << "change " << i;
  }
}

// The keys of a model's calls differ in one address, aligned to 2 MiB (a weight) or more: they must
// still spread over the sets, which come from the hash's low bits, or 4 ways would hold them all.
TEST(RecentCache, HashSpreadsAlignedAddressesOverTheSets) {
  for (int position = 0; position < 3; ++position) {
    std::set<size_t> sets;
    for (uint64_t i = 0; i < 64; ++i) {
      uint64_t values[3] = {0x7f0000000000ull, 0x7f4000000000ull, 4096};
      values[position] += i << 21;
      sets.insert(runtime::recent_cache_hash({values[0], values[1], values[2]}) % 16);
    }
    EXPECT_GE(sets.size(), 12u) << "keys differing in value " << position;
  }
}

}  // namespace
}  // namespace fp8gemm::testing
