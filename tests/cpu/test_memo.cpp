// The memo behind the entry points' warm path (api/memo.hpp): what a first call worked out comes back for
// the same key only, from any thread, and the map stays bounded.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "api/memo.hpp"

namespace fp8gemm::testing {
namespace {

struct Key {
  int64_t m = 0;
  std::string setting;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  size_t operator()(const Key& key) const {
    size_t h = std::hash<std::string>{}(key.setting);
    api::hash_mix(h, static_cast<size_t>(key.m));
    return h;
  }
};

using TestMemo = api::Memo<Key, int, KeyHash>;

TEST(Memo, FindsWhatWasInsertedUnderTheSameKeyOnly) {
  TestMemo memo;
  int value = -1;
  EXPECT_FALSE(memo.find({64, ""}, value));
  memo.insert({64, ""}, 1);
  memo.insert({64, "128,256,3,2"}, 2);
  ASSERT_TRUE(memo.find({64, ""}, value));
  EXPECT_EQ(value, 1);
  ASSERT_TRUE(memo.find({64, "128,256,3,2"}, value));
  EXPECT_EQ(value, 2);
  EXPECT_FALSE(memo.find({65, ""}, value));
  memo.insert({64, ""}, 3);  // a second thread's result for a key already there: the first stays
  ASSERT_TRUE(memo.find({64, ""}, value));
  EXPECT_EQ(value, 1);
}

TEST(Memo, StaysBoundedAndKeepsWorkingWhenFull) {
  TestMemo memo;
  const int64_t n = static_cast<int64_t>(TestMemo::kMaxEntries) + 10;
  for (int64_t m = 0; m < n; ++m) memo.insert({m, ""}, static_cast<int>(m));
  int value = -1;
  // Emptied on reaching the bound: the early keys are gone, the ones after it are there.
  EXPECT_FALSE(memo.find({0, ""}, value));
  ASSERT_TRUE(memo.find({n - 1, ""}, value));
  EXPECT_EQ(value, n - 1);
}

TEST(Memo, ThreadsShareIt) {
  TestMemo memo;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&memo] {
      for (int64_t m = 0; m < 2000; ++m) {
        int value = -1;
        if (!memo.find({m % 100, "x"}, value)) memo.insert({m % 100, "x"}, static_cast<int>(m % 100) * 2);
        else if (value != static_cast<int>(m % 100) * 2) ADD_FAILURE() << "wrong value for m " << m % 100;
      }
    });
  for (auto& t : threads) t.join();
  int value = -1;
  ASSERT_TRUE(memo.find({42, "x"}, value));
  EXPECT_EQ(value, 84);
}

}  // namespace
}  // namespace fp8gemm::testing
