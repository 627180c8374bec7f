// Helpers for the JIT tests. JitSandbox, a throw-away environment: a temporary root holding a kernel cache directory and a
// small kernels directory, pointed at by FP8GEMM_CACHE_DIR and FP8GEMM_KERNELS_DIR while it lives.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/cache.hpp"

namespace fp8gemm::testing {

namespace fs = std::filesystem;

// The message of the fp8gemm::Error that fn throws; empty when it throws none.
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A kernel needing sm_90a (setmaxnreg) that includes a header from the kernels directory, as the real
// kernels do. `variant` makes each test's source, and so its cache key, its own.
inline std::string tiny_kernel_source(const std::string& variant) {
  return "#include \"fp8gemm/tiny.cuh\"\n"
         "extern \"C\" __global__ void __launch_bounds__(128, 1) tiny_kernel(float* out) {\n"
         "  asm volatile(\"setmaxnreg.inc.sync.aligned.u32 232;\\n\" ::: \"memory\");\n"
         "  out[threadIdx.x] = fp8gemm_test::twice(static_cast<float>(threadIdx.x)) + 0.0f; // " + variant + "\n"
         "}\n";
}

inline constexpr const char* kTinyHeader =
    "#pragma once\nnamespace fp8gemm_test {\n__device__ inline float twice(float x) { return 2.0f * x; }\n}\n";

// A temporary directory, removed with its contents at the end of the scope.
struct JitSandboxFiles {
  JitSandboxFiles() {
    std::string pattern = (fs::temp_directory_path() / "fp8gemm-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    root = pattern;
  }
  ~JitSandboxFiles() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  fs::path root;
};

class JitSandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    root = files_.root;
    cache = root / "cache";
    kernels = root / "kernels";
    write_file(kernels / "fp8gemm" / "tiny.cuh", kTinyHeader);
    setenv("FP8GEMM_CACHE_DIR", cache.c_str(), 1);
    setenv("FP8GEMM_KERNELS_DIR", kernels.c_str(), 1);
    unsetenv("FP8GEMM_COMPILER");
    jit::clear_memory_cache();
  }

  void TearDown() override {
    unsetenv("FP8GEMM_CACHE_DIR");
    unsetenv("FP8GEMM_KERNELS_DIR");
    unsetenv("FP8GEMM_COMPILER");
    jit::clear_memory_cache();
  }

  // Files in the cache directory whose name starts with `prefix` (the entries are "<key>.kernel").
  int count_files(const std::string& prefix = "") const {
    int n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache, ec))
      if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
    return n;
  }

  fs::path root, cache, kernels;

 private:
  JitSandboxFiles files_;
};

}  // namespace fp8gemm::testing
