// nvcc as the kernel compiler (FP8GEMM_COMPILER=nvcc): needs a full CUDA toolkit, useful to compare
// with NVRTC. Found as FP8GEMM_NVCC, else $CUDA_HOME/bin/nvcc, else the toolkit fp8gemm was built
// with, else nvcc on PATH.
#pragma once

#include <string>
#include <vector>

namespace fp8gemm::jit::nvcc {

// The nvcc executable; throws fp8gemm::Error naming every place looked at when there is none.
std::string path();

// "13.0.88": from `nvcc --version`, once per executable.
std::string version();

// Writes `source` to a temporary directory, runs `nvcc -cubin <options> -I<include_dir>` on it and
// returns the cubin. nvcc's messages go into `log`; failure throws fp8gemm::Error carrying them.
std::vector<char> compile_cubin(const std::string& source, const std::vector<std::string>& options,
                                const std::string& include_dir, std::string& log);

}  // namespace fp8gemm::jit::nvcc
