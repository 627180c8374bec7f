// A 128-bit non-cryptographic hash (two independent 64-bit lanes), used for cache keys, the kernel
// sources' fingerprint and the checksum of disk cache entries. Not for security: it guards against
// accidents (stale or damaged files), not against an attacker who can write the cache directory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fp8gemm::jit {

class Hasher {
 public:
  // Raw bytes, in order; update("ab") then update("c") equals update("abc").
  Hasher& update(const void* data, size_t size);
  // One field of a composite key: its length goes in first, so ("ab", "c") and ("a", "bc") differ.
  Hasher& field(std::string_view s);

  struct Digest {
    uint64_t lo = 0, hi = 0;
    bool operator==(const Digest&) const = default;
  };
  Digest digest() const;
  std::string hex() const;  // 32 lowercase hex digits

 private:
  void mix(uint64_t word);

  uint64_t lane_a_ = 0x243f6a8885a308d3ull;  // seeds: digits of pi, so nothing up the sleeve
  uint64_t lane_b_ = 0x13198a2e03707344ull;
  uint64_t total_ = 0;                       // bytes seen
  unsigned char pending_[8] = {};            // bytes not yet forming a whole word
  size_t pending_size_ = 0;
};

// Hex digest of one buffer.
std::string hash_hex(std::string_view data);

}  // namespace fp8gemm::jit
