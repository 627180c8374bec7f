// What an entry point works out on the first call with a key (kernel config, the kernel in the current
// context, the grid), kept for the calls after it, so that a repeated call costs one look-up here
// instead of the heuristic, the kernel name and cache look-ups and the occupancy query.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace fp8gemm::api {

// Mixes `value` into the hash `seed` (for the keys' hash functions).
inline void hash_mix(size_t& seed, size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ull + (seed << 6) + (seed >> 2);
}

// A thread-safe map. The work for a missing key is done outside the lock by the caller (it may compile
// a kernel for seconds while other threads' warm calls go on); two threads missing the same key both do
// it and the first insert stays. Bounded: the keys hold M, which takes many values in a long-running
// process, so the map is emptied when it reaches kMaxEntries, and what it held is worked out again on
// next use.
template <class Key, class Value, class Hash>
class Memo {
 public:
  static constexpr size_t kMaxEntries = size_t{1} << 14;

  // Copies the value of `key` into `value`; false when there is none.
  bool find(const Key& key, Value& value) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    value = it->second;
    return true;
  }

  void insert(const Key& key, const Value& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(key, value);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<Key, Value, Hash> map_;
};

}  // namespace fp8gemm::api
