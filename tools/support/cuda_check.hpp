// Error checking for the CUDA runtime, cuBLAS and cuBLASLt calls of the GPU harness: a failed call
// throws support::CudaError naming the call, the error and the file/line, so a test or command reports
// exactly what broke instead of carrying on with a sticky error.
#pragma once

#include <cublas_api.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace fp8gemm::support {

class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void check_cuda(cudaError_t status, const char* expr, const char* file, int line);
void check_cublas(cublasStatus_t status, const char* expr, const char* file, int line);

// "CUBLAS_STATUS_NOT_SUPPORTED" and the like.
std::string cublas_status_name(cublasStatus_t status);

}  // namespace fp8gemm::support

#define FP8GEMM_CUDA_CHECK(expr) ::fp8gemm::support::check_cuda((expr), #expr, __FILE__, __LINE__)
#define FP8GEMM_CUBLAS_CHECK(expr) ::fp8gemm::support::check_cublas((expr), #expr, __FILE__, __LINE__)
