// The driver layer on a machine that may have no GPU or driver: nothing throws where it must not,
// and a missing driver is named.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fp8gemm/fp8gemm.hpp"
#include "runtime/driver.hpp"

namespace fp8gemm::testing {
namespace {

TEST(Driver, AvailabilityNeverThrows) { EXPECT_NO_THROW(runtime::driver_available()); }

TEST(Driver, MissingDriverIsNamed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("FP8GEMM_LIBCUDA", "/nowhere/libcuda.so.1", 1);
        if (runtime::driver_available()) std::exit(1);
        try {
          runtime::driver();
        } catch (const Error& e) {
          std::fprintf(stderr, "%s\n", e.what());
          std::exit(0);
        }
        std::exit(2);
      },
      ::testing::ExitedWithCode(0), "CUDA driver not found.*/nowhere/libcuda.so.1.*FP8GEMM_LIBCUDA");
}

}  // namespace
}  // namespace fp8gemm::testing
