#include "support/device_info.hpp"

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include "support/cuda_check.hpp"

namespace fp8gemm::support {

bool hopper_available(std::string* reason) {
  auto fail = [&](const std::string& why) {
    if (reason != nullptr) *reason = why;
    return false;
  };
  int driver = 0;
  cudaError_t status = cudaDriverGetVersion(&driver);
  if (status != cudaSuccess || driver == 0)
    return fail("no CUDA driver" + (status != cudaSuccess ? ": " + std::string(cudaGetErrorString(status))
                                                          : std::string()));
  int count = 0;
  status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) return fail(std::string("no CUDA device: ") + cudaGetErrorString(status));
  if (count == 0) return fail("no CUDA device");
  int device = 0;
  status = cudaGetDevice(&device);
  if (status != cudaSuccess) return fail(std::string("cannot select a CUDA device: ") + cudaGetErrorString(status));
  cudaDeviceProp prop{};
  status = cudaGetDeviceProperties(&prop, device);
  if (status != cudaSuccess) return fail(std::string("cannot query device: ") + cudaGetErrorString(status));
  if (prop.major != 9 || prop.minor != 0)
    return fail("device " + std::to_string(device) + " is " + prop.name + " (sm_" + std::to_string(prop.major) +
                std::to_string(prop.minor) + "), not sm_90");
  return true;
}

DeviceInfo current_device_info() {
  DeviceInfo info;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&info.ordinal));
  cudaDeviceProp prop{};
  FP8GEMM_CUDA_CHECK(cudaGetDeviceProperties(&prop, info.ordinal));
  info.name = prop.name;
  info.sm_count = prop.multiProcessorCount;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.l2_bytes = prop.l2CacheSize;
  info.smem_per_block_optin = static_cast<int>(prop.sharedMemPerBlockOptin);
  info.memory_gib = static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0);
  FP8GEMM_CUDA_CHECK(cudaDriverGetVersion(&info.driver_version));
  FP8GEMM_CUDA_CHECK(cudaRuntimeGetVersion(&info.runtime_version));
  info.cublaslt_version = cublasLtGetVersion();
  return info;
}

std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

}  // namespace fp8gemm::support
