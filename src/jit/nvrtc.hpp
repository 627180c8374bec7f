// NVRTC, opened at run time so that libfp8gemm loads on machines without it (the error comes when a
// kernel is compiled). Looked for as FP8GEMM_LIBNVRTC when set, else libnvrtc.so.13, libnvrtc.so.12,
// libnvrtc.so through the usual library search (which also finds one PyTorch has already loaded),
// then beside the CUDA libraries the process has loaded (PyTorch's pip wheels), then under
// $CUDA_HOME and the toolkit fp8gemm was built with.
#pragma once

#include <string>
#include <vector>

namespace fp8gemm::jit::nvrtc {

constexpr int kMinVersion = 1203;  // 12.3: the oldest NVRTC known to compile the kernels for sm_90a

struct Library {
  std::string path;  // as passed to dlopen
  int major = 0, minor = 0;
};

// The NVRTC in use; throws fp8gemm::Error naming every place looked at when none is usable.
const Library& library();

// Compiles `source` (file name `name` in messages) with `options` to a cubin. The log (warnings) goes
// into `log`; failure throws fp8gemm::Error carrying the log.
std::vector<char> compile_cubin(const std::string& source, const std::string& name,
                                const std::vector<std::string>& options, std::string& log);

}  // namespace fp8gemm::jit::nvrtc
