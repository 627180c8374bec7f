#include "support/cuda_check.hpp"

#include <cublas_v2.h>

namespace fp8gemm::support {

void check_cuda(cudaError_t status, const char* expr, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + expr + " failed: " +
                  cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

std::string cublas_status_name(cublasStatus_t status) { return cublasGetStatusName(status); }

void check_cublas(cublasStatus_t status, const char* expr, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + expr + " failed: " +
                  cublas_status_name(status));
}

}  // namespace fp8gemm::support
