// What GPU this process runs on, and whether fp8gemm can run there at all.
#pragma once

#include <string>

namespace fp8gemm::support {

// True when a CUDA driver, a device and an sm_90 (Hopper) current device are present. Otherwise false,
// with a one-line reason ("no CUDA driver: ...", "no CUDA device", "device 0 is ... (sm_89), not sm_90").
bool hopper_available(std::string* reason);

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  int sm_count = 0;
  int cc_major = 0, cc_minor = 0;
  int l2_bytes = 0;
  int smem_per_block_optin = 0;
  int driver_version = 0;   // e.g. 13000 for CUDA 13.0
  int runtime_version = 0;
  size_t cublaslt_version = 0;
  double memory_gib = 0;
};

DeviceInfo current_device_info();

// "13.0" from 13000.
std::string cuda_version_string(int version);

}  // namespace fp8gemm::support
