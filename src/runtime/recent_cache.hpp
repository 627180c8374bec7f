// A small cache of the values a pure function returned for its most recently used arguments, for the
// warm path of a call that would otherwise repeat the same work with the same inputs (tma.cpp: the
// driver's tensor-map encode). Meant to be thread_local: no lock, no allocation, a fixed size.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace fp8gemm::runtime {

// A hash of `values` for a RecentCache key. The cache takes the set from the hash's low bits, and keys
// often differ only in high ones (device addresses aligned to 2 MiB): each step folds the high half down
// before a multiply, which only carries upwards.
inline size_t recent_cache_hash(std::initializer_list<uint64_t> values) {
  uint64_t h = 0;
  for (uint64_t v : values) h = (h ^ (h >> 32) ^ v) * 0x9e3779b97f4a7c15ull;
  return static_cast<size_t>(h ^ (h >> 32));
}

// kSets sets of kWays entries: a key may sit in any way of the set its hash picks, and a miss replaces the
// set's least recently used entry. A few ways, so that keys that share a set (a call's operands, a hash
// collision) do not keep evicting each other as in a direct-mapped cache. A hit compares the whole key,
// so two keys with the same hash never share a value; Hash only spreads keys over the sets.
template <class Key, class Value, class Hash, size_t kSets, size_t kWays>
class RecentCache {
 public:
  // The value make() returned for a key equal to `key`, if the cache still holds it; else make()'s value
  // for `key`, kept. If make() throws, the cache is as it was.
  template <class Make>
  const Value& get(const Key& key, Make&& make) {
    std::array<Entry, kWays>& set = sets_[Hash{}(key) % kSets];
    ++clock_;
    Entry* victim = &set[0];
    for (Entry& entry : set) {
      if (entry.last_use != 0 && entry.key == key) {
        entry.last_use = clock_;
        return entry.value;
      }
      if (entry.last_use < victim->last_use) victim = &entry;
    }
    victim->value = make();
    victim->key = key;
    victim->last_use = clock_;
    return victim->value;
  }

 private:
  // The stamp before the key: an aligned Value (a CUtensorMap is) then follows without a second gap.
  struct Entry {
    uint64_t last_use = 0;  // the clock at its last look-up; 0: empty (the clock starts at 1)
    Key key{};
    Value value{};
  };
  // All zeros, so that a thread_local cache needs no constructor call, just zeroed memory.
  std::array<std::array<Entry, kWays>, kSets> sets_{};
  uint64_t clock_ = 0;
};

}  // namespace fp8gemm::runtime
