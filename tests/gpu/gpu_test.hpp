// Shared fixture of the GPU tests: skips (counted as skipped, with the reason) where there is no Hopper
// GPU, and gives each test its own CUDA stream and the process's double-precision reference.
#pragma once

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <string>

#include "support/cuda_check.hpp"
#include "support/device_info.hpp"
#include "support/verify.hpp"

namespace fp8gemm::testing {

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    if (!support::hopper_available(&reason)) GTEST_SKIP() << "no Hopper GPU: " << reason;
    FP8GEMM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  }
  void TearDown() override {
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }

  Stream stream() const { return stream_; }

  // One cuBLAS handle for the whole process: creating one costs more than most test cases. Never
  // destroyed: at exit the CUDA runtime may already be gone.
  static support::GpuReference& reference() {
    static support::GpuReference* instance = new support::GpuReference();
    return *instance;
  }

  template <class Problem>
  void expect_correct(const Problem& p, const std::string& what) {
    const support::CheckResult result = support::run_and_check(p, stream_, reference());
    EXPECT_TRUE(result.passed) << what << ": " << result.failure;
  }

 private:
  cudaStream_t stream_ = nullptr;
};

}  // namespace fp8gemm::testing
