#include "jit/hash.hpp"

#include <algorithm>
#include <cstring>

namespace fp8gemm::jit {
namespace {

constexpr uint64_t kPrime1 = 0x9e3779b185ebca87ull;
constexpr uint64_t kPrime2 = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kPrime3 = 0x165667b19e3779f9ull;
constexpr uint64_t kPrime4 = 0x85ebca77c2b2ae63ull;

uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Final avalanche so that every input bit affects every output bit (MurmurHash3's fmix64).
uint64_t avalanche(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

uint64_t load_le64(const unsigned char* p) {
  uint64_t w = 0;
  for (int i = 7; i >= 0; --i) w = (w << 8) | p[i];
  return w;
}

}  // namespace

void Hasher::mix(uint64_t word) {
  lane_a_ = rotl(lane_a_ ^ (word * kPrime1), 31) * kPrime2;
  lane_b_ = rotl(lane_b_ + (word * kPrime3), 29) * kPrime4;
}

Hasher& Hasher::update(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += size;
  if (pending_size_ > 0) {
    size_t take = std::min(size, 8 - pending_size_);
    std::memcpy(pending_ + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    size -= take;
    if (pending_size_ < 8) return *this;
    mix(load_le64(pending_));
    pending_size_ = 0;
  }
  for (; size >= 8; p += 8, size -= 8) mix(load_le64(p));
  std::memcpy(pending_, p, size);
  pending_size_ = size;
  return *this;
}

Hasher& Hasher::field(std::string_view s) {
  unsigned char length[8];
  uint64_t n = s.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
  update(length, sizeof length);
  return update(s.data(), s.size());
}

Hasher::Digest Hasher::digest() const {
  uint64_t a = lane_a_, b = lane_b_;
  // The tail: zero-padded to a word; the total length (mixed in below) tells "ab" from "ab\0".
  unsigned char tail[8] = {};
  std::memcpy(tail, pending_, pending_size_);
  uint64_t w = load_le64(tail);
  a = rotl(a ^ (w * kPrime1), 31) * kPrime2;
  b = rotl(b + (w * kPrime3), 29) * kPrime4;
  a ^= total_;
  b ^= total_ * kPrime1;
  // Cross the lanes so each half of the digest depends on both.
  uint64_t lo = avalanche(a + b);
  uint64_t hi = avalanche(b ^ rotl(a, 17));
  return {lo, hi};
}

std::string Hasher::hex() const {
  static const char digits[] = "0123456789abcdef";
  Digest d = digest();
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = digits[(d.hi >> (4 * i)) & 15];
    out[31 - i] = digits[(d.lo >> (4 * i)) & 15];
  }
  return out;
}

std::string hash_hex(std::string_view data) { return Hasher().update(data.data(), data.size()).hex(); }

}  // namespace fp8gemm::jit
