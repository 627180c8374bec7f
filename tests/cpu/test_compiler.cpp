// Kernel compilation without a GPU: NVRTC (default) and nvcc, options, errors, the kernels directory.
#include <dlfcn.h>
#include <elf.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/compiler.hpp"
#include "jit_sandbox.hpp"

namespace fp8gemm::testing {
namespace {

class Compiler : public JitSandbox {};

// A cubin is an ELF file for the CUDA machine type.
void expect_cubin(const std::vector<char>& cubin) {
  ASSERT_GE(cubin.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr header;
  std::memcpy(&header, cubin.data(), sizeof header);
  EXPECT_EQ(std::memcmp(header.e_ident, ELFMAG, SELFMAG), 0);
  EXPECT_EQ(header.e_machine, EM_CUDA);
}

TEST_F(Compiler, NvrtcBuildsAnSm90aCubin) {
  jit::CompileResult r = jit::compile(tiny_kernel_source("nvrtc"), "sm_90a");
  expect_cubin(r.cubin);
  EXPECT_GT(r.seconds, 0.0);
  EXPECT_LT(r.seconds, 10.0);
  EXPECT_EQ(jit::compiler_id(), "nvrtc-" + jit::nvrtc_version());
  EXPECT_NE(jit::compiler_options("sm_90a").find("-arch=sm_90a"), std::string::npos);
  EXPECT_EQ(jit::compiler_options("sm_90a").find("fast_math"), std::string::npos);
}

TEST_F(Compiler, NvrtcVersionIsRecentEnough) {
  std::string v = jit::nvrtc_version();
  int major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(v.c_str(), "%d.%d", &major, &minor), 2) << v;
  EXPECT_GE(major * 100 + minor, 1203);
}

// What the records of compile times say about NVRTC's own cache (12.9+, through the driver's compute
// cache): off with CUDA_CACHE_DISABLE=1, none without a driver, unused with nvcc, else on.
TEST_F(Compiler, NvrtcOwnCacheFollowsTheDriverAndCudaCacheDisable) {
  const char* saved = std::getenv("CUDA_CACHE_DISABLE");
  const std::string restore = saved ? saved : "";
  int major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(jit::nvrtc_version().c_str(), "%d.%d", &major, &minor), 2);
  const bool has_cache = major * 100 + minor >= 1209;
  const bool driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) != nullptr;  // left loaded, as the library does

  const std::string too_old = "none (NVRTC " + jit::nvrtc_version() + ")";
  const std::string enabled = !has_cache ? too_old : driver ? "on" : "none (no CUDA driver)";

  setenv("CUDA_CACHE_DISABLE", "1", 1);
  EXPECT_EQ(jit::nvrtc_own_cache(), has_cache ? "off (CUDA_CACHE_DISABLE=1)" : too_old);
  unsetenv("CUDA_CACHE_DISABLE");
  EXPECT_EQ(jit::nvrtc_own_cache(), enabled);
  setenv("CUDA_CACHE_DISABLE", "0", 1);
  EXPECT_EQ(jit::nvrtc_own_cache(), enabled);
  setenv("FP8GEMM_COMPILER", "nvcc", 1);
  EXPECT_EQ(jit::nvrtc_own_cache(), "unused (FP8GEMM_COMPILER=nvcc)");
  unsetenv("FP8GEMM_COMPILER");
  if (saved) setenv("CUDA_CACHE_DISABLE", restore.c_str(), 1); else unsetenv("CUDA_CACHE_DISABLE");
}

TEST_F(Compiler, BadArchIsRefusedBeforeCompiling) {
  for (const char* arch : {"", "sm90a", "compute_90a", "sm_9", "sm_90ab", "sm_1000"}) {
    std::string err = error_of([&] { jit::compile(tiny_kernel_source("arch"), arch); });
    EXPECT_NE(err.find("arch"), std::string::npos) << "arch \"" << arch << "\" gave: " << err;
  }
}

TEST_F(Compiler, CompileErrorCarriesTheLog) {
  std::string err = error_of([] { jit::compile("extern \"C\" __global__ void broken() { undeclared_name(); }", "sm_90a"); });
  EXPECT_NE(err.find("NVRTC"), std::string::npos) << err;
  EXPECT_NE(err.find("undeclared_name"), std::string::npos) << err;
}

TEST_F(Compiler, UnknownCompilerIsRefused) {
  setenv("FP8GEMM_COMPILER", "clang", 1);
  std::string err = error_of([] { jit::compiler_id(); });
  EXPECT_NE(err.find("FP8GEMM_COMPILER=clang"), std::string::npos) << err;
}

TEST_F(Compiler, NvccBuildsTheSameKernel) {
  setenv("FP8GEMM_COMPILER", "nvcc", 1);
  std::string id;
  try {
    id = jit::compiler_id();
  } catch (const Error& e) {
    GTEST_SKIP() << "no nvcc here: " << e.what();
  }
  EXPECT_EQ(id.rfind("nvcc-", 0), 0u) << id;
  EXPECT_NE(jit::compiler_options("sm_90a").find("-gencode=arch=compute_90a,code=sm_90a"), std::string::npos);
  expect_cubin(jit::compile(tiny_kernel_source("nvcc"), "sm_90a").cubin);
  std::string err = error_of([] { jit::compile("__global__ void broken() { undeclared_name(); }", "sm_90a"); });
  EXPECT_NE(err.find("undeclared_name"), std::string::npos) << err;
}

TEST_F(Compiler, KernelsDirComesFromTheEnvironmentFirst) {
  EXPECT_EQ(jit::kernels_dir(), kernels.string());
  EXPECT_EQ(jit::kernels_hash().size(), 32u);

  setenv("FP8GEMM_KERNELS_DIR", (root / "nowhere").c_str(), 1);
  std::string err = error_of([] { jit::kernels_dir(); });
  EXPECT_NE(err.find("FP8GEMM_KERNELS_DIR"), std::string::npos) << err;

  // Unset: the installed layout next to libfp8gemm, else the source tree; both hold fp8gemm/.
  unsetenv("FP8GEMM_KERNELS_DIR");
  EXPECT_TRUE(fs::is_directory(fs::path(jit::kernels_dir()) / "fp8gemm")) << jit::kernels_dir();
}

TEST_F(Compiler, VerboseLogsCompilesAndDiskHits) {
  setenv("FP8GEMM_JIT_VERBOSE", "1", 1);
  std::string source = tiny_kernel_source("verbose");
  ::testing::internal::CaptureStderr();
  jit::get_cubin(source, "sm_90a", "tiny_kernel");
  jit::clear_memory_cache();
  jit::get_cubin(source, "sm_90a", "tiny_kernel");
  jit::get_cubin(source, "sm_90a", "tiny_kernel");  // memory: no line
  std::string err = ::testing::internal::GetCapturedStderr();
  unsetenv("FP8GEMM_JIT_VERBOSE");
  EXPECT_NE(err.find("compiled tiny_kernel in"), std::string::npos) << err;
  EXPECT_NE(err.find("loaded tiny_kernel from disk in"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 2) << err;
}

// In a fresh process (the library is opened once per process): one error naming what was looked for.
TEST(CompilerLibrary, MissingNvrtcIsNamed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("FP8GEMM_LIBNVRTC", "/nowhere/libnvrtc.so.13", 1);
        unsetenv("FP8GEMM_COMPILER");
        std::string err = error_of([] { jit::nvrtc_version(); });
        std::fprintf(stderr, "%s\n", err.c_str());
        std::exit(err.empty() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "no usable NVRTC.*\n.*/nowhere/libnvrtc.so.13(.|\n)*FP8GEMM_LIBNVRTC");
}

}  // namespace
}  // namespace fp8gemm::testing
