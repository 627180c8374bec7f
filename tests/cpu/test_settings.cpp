// The GEMM settings (FP8GEMM_CONFIG, FP8GEMM_CHECK_INDICES) are read once and again on reload_settings,
// not on every call; equal values share one object (the dispatch keys hold its address).
#include <gtest/gtest.h>

#include <cstdlib>

#include "api/settings.hpp"
#include "fp8gemm/fp8gemm.hpp"

namespace {

using fp8gemm::api::gemm_settings;

TEST(Settings, ReadAgainOnlyOnReload) {
  setenv("FP8GEMM_CONFIG", "128,256,4,1", 1);
  setenv("FP8GEMM_CHECK_INDICES", "1", 1);
  fp8gemm::reload_settings();
  const fp8gemm::api::GemmSettings* first = &gemm_settings();
  EXPECT_EQ(first->config, "128,256,4,1");
  EXPECT_TRUE(first->check_indices);

  setenv("FP8GEMM_CONFIG", "128,128,5,2", 1);
  setenv("FP8GEMM_CHECK_INDICES", "0", 1);
  EXPECT_EQ(&gemm_settings(), first) << "changed without reload_settings";
  fp8gemm::reload_settings();
  EXPECT_EQ(gemm_settings().config, "128,128,5,2");
  EXPECT_FALSE(gemm_settings().check_indices);
  EXPECT_NE(&gemm_settings(), first);

  setenv("FP8GEMM_CONFIG", "128,256,4,1", 1);
  setenv("FP8GEMM_CHECK_INDICES", "1", 1);
  fp8gemm::reload_settings();
  EXPECT_EQ(&gemm_settings(), first) << "equal settings are one object";

  unsetenv("FP8GEMM_CONFIG");
  unsetenv("FP8GEMM_CHECK_INDICES");
  fp8gemm::reload_settings();
  EXPECT_EQ(gemm_settings().config, "");
  EXPECT_FALSE(gemm_settings().check_indices);
}

}  // namespace
