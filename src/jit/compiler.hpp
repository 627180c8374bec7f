// Compiles generated kernel sources to cubins. NVRTC by default (opened at run time: libnvrtc.so.13,
// or FP8GEMM_LIBNVRTC); nvcc when FP8GEMM_COMPILER=nvcc (found through FP8GEMM_NVCC, CUDA_HOME or PATH).
// Kernel sources include only files under kernels_dir(); no CUDA headers are needed.
#pragma once

#include <string>
#include <vector>

namespace fp8gemm::jit {

struct CompileResult {
  std::vector<char> cubin;
  std::string log;       // compiler messages (warnings), may be empty
  double seconds = 0.0;  // wall time of the compilation
};

// `arch` is a target such as "sm_90a". Throws fp8gemm::Error with the compiler log on failure.
CompileResult compile(const std::string& source, const std::string& arch);

// Identifies the compiler and its version, e.g. "nvrtc-13.0" or "nvcc-13.0.88"; part of the cache key.
std::string compiler_id();

// The options the selected compiler is given for `arch`, except the include directory (so that a
// cache filled at one path serves the same sources at another); part of the cache key.
std::string compiler_options(const std::string& arch);

// "major.minor" of the NVRTC library fp8gemm opens (whichever compiler is selected); throws
// fp8gemm::Error naming what was looked for when none is usable.
std::string nvrtc_version();

// Whether NVRTC's own cache may answer a compile, for the records of compile times: NVRTC 12.9+ keeps
// compiled programs in the CUDA driver's compute cache (CUDA_CACHE_PATH) unless CUDA_CACHE_DISABLE=1, and
// has none where no driver is installed. "on", "off (CUDA_CACHE_DISABLE=1)", "none (<why>)" or "unused
// (FP8GEMM_COMPILER=nvcc)". A hit takes ~50 ms where a cold compile takes 0.1-1 s.
std::string nvrtc_own_cache();

// Directory holding the device sources (kernels/, which contains fp8gemm/...): FP8GEMM_KERNELS_DIR,
// else found relative to the loaded libfp8gemm (installed layout), else the source tree.
// Re-reads FP8GEMM_KERNELS_DIR on every call.
std::string kernels_dir();

// Hash (hex) over the relative paths and contents of every file under kernels_dir(); part of the
// cache key. Computed once per directory: the sources are taken not to change while a process runs.
std::string kernels_hash();

}  // namespace fp8gemm::jit
