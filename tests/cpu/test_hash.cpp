// The hash behind cache keys and entry checksums.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "jit/hash.hpp"

namespace fp8gemm::testing {
namespace {

using jit::Hasher;

TEST(Hash, SplittingTheInputDoesNotMatter) {
  std::string text = "The quick brown fox jumps over the lazy dog, again and again and again.";
  std::string whole = jit::hash_hex(text);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Hasher h;
    h.update(text.data(), cut).update(text.data() + cut, text.size() - cut);
    EXPECT_EQ(h.hex(), whole) << "cut at " << cut;
  }
}

TEST(Hash, FieldsAreDelimited) {
  EXPECT_NE(Hasher().field("ab").field("c").hex(), Hasher().field("a").field("bc").hex());
  EXPECT_NE(Hasher().field("").field("x").hex(), Hasher().field("x").field("").hex());
}

TEST(Hash, SmallChangesGiveDistinctDigests) {
  // Every prefix of a string and every single-bit flip of it: all distinct.
  std::string base(64, 'a');
  std::set<std::string> seen;
  for (size_t n = 0; n <= base.size(); ++n) EXPECT_TRUE(seen.insert(jit::hash_hex(base.substr(0, n))).second);
  for (size_t i = 0; i < base.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string s = base;
      s[i] = static_cast<char>(s[i] ^ (1 << bit));
      EXPECT_TRUE(seen.insert(jit::hash_hex(s)).second) << i << ":" << bit;
    }
  EXPECT_TRUE(seen.insert(jit::hash_hex(std::string("ab\0", 3))).second);
  EXPECT_TRUE(seen.insert(jit::hash_hex("ab")).second);
}

TEST(Hash, HexIs32LowercaseDigits) {
  std::string h = jit::hash_hex("x");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(jit::hash_hex("x"), h);
}

}  // namespace
}  // namespace fp8gemm::testing
