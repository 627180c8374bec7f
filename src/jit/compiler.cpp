#include "jit/compiler.hpp"

#include <dlfcn.h>

#include <cctype>
#include <chrono>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"
#include "jit/nvcc.hpp"
#include "jit/nvrtc.hpp"

namespace fp8gemm::jit {
namespace {

enum class Compiler { nvrtc, nvcc };

Compiler selected_compiler() {
  std::string name = env_value("FP8GEMM_COMPILER");
  if (name.empty() || name == "nvrtc") return Compiler::nvrtc;
  if (name == "nvcc") return Compiler::nvcc;
  throw Error("FP8GEMM_COMPILER=" + name + " is not a compiler fp8gemm knows: use nvrtc (the default) or nvcc");
}

// "sm_90a" -> "90a"; anything else is refused before a compiler sees it.
std::string arch_number(const std::string& arch) {
  std::string number = arch.rfind("sm_", 0) == 0 ? arch.substr(3) : "";
  size_t digits = 0;
  while (digits < number.size() && std::isdigit(static_cast<unsigned char>(number[digits]))) ++digits;
  bool suffix_ok = number.size() == digits || (number.size() == digits + 1 && std::islower(static_cast<unsigned char>(number.back())));
  if (digits < 2 || digits > 3 || !suffix_ok)
    throw Error("arch: \"" + arch + "\" is not a real GPU architecture of the form sm_90a");
  return number;
}

// Same numerics with either compiler: no fast math (the scaling must stay exact), no debug info,
// assertions compiled out. NVRTC's -arch=sm_XX gives SASS (a cubin), not PTX. NVRTC compiles
// unannotated functions for the device (-default-device); nvcc has no such switch, and
// --expt-relaxed-constexpr lets the kernels call the unannotated constexpr helpers they share.
std::vector<std::string> options(Compiler c, const std::string& arch) {
  std::string number = arch_number(arch);
  if (c == Compiler::nvrtc) return {"-arch=sm_" + number, "-std=c++17", "-default-device", "-DNDEBUG"};
  return {"-gencode=arch=compute_" + number + ",code=sm_" + number, "-std=c++17", "--expt-relaxed-constexpr",
          "-DNDEBUG"};
}

}  // namespace

CompileResult compile(const std::string& source, const std::string& arch) {
  Compiler c = selected_compiler();
  std::vector<std::string> opts = options(c, arch);
  std::string include_dir = kernels_dir();
  auto start = std::chrono::steady_clock::now();
  CompileResult result;
  if (c == Compiler::nvrtc) {
    opts.push_back("-I" + include_dir);
    result.cubin = nvrtc::compile_cubin(source, "fp8gemm_kernel.cu", opts, result.log);
  } else {
    result.cubin = nvcc::compile_cubin(source, opts, include_dir, result.log);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string compiler_id() {
  if (selected_compiler() == Compiler::nvcc) return "nvcc-" + nvcc::version();
  return "nvrtc-" + nvrtc_version();
}

std::string compiler_options(const std::string& arch) {
  std::string joined;
  for (const std::string& o : options(selected_compiler(), arch)) joined += (joined.empty() ? "" : " ") + o;
  return joined;
}

std::string nvrtc_own_cache() {
  if (selected_compiler() != Compiler::nvrtc) return "unused (FP8GEMM_COMPILER=nvcc)";
  const nvrtc::Library& lib = nvrtc::library();
  if (lib.major < 12 || (lib.major == 12 && lib.minor < 9)) return "none (NVRTC " + nvrtc_version() + ")";
  if (env_value("CUDA_CACHE_DISABLE") == "1") return "off (CUDA_CACHE_DISABLE=1)";
  // NVRTC reaches the cache through the driver, which it looks for as libcuda.so.1. Left loaded (NVRTC
  // and fp8gemm's runtime load it anyway): unloading a driver library is asking for trouble.
  static const bool driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) != nullptr;
  return driver ? "on" : "none (no CUDA driver)";
}

std::string nvrtc_version() {
  const nvrtc::Library& lib = nvrtc::library();
  return std::to_string(lib.major) + "." + std::to_string(lib.minor);
}

}  // namespace fp8gemm::jit
