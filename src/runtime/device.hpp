// Facts about the current device that the dispatch needs, read once per device.
#pragma once

#include <cuda.h>

#include <string>

namespace fp8gemm::runtime {

struct DeviceInfo {
  CUdevice device = 0;
  std::string name;
  int major = 0, minor = 0;
  int sm_count = 0;
  int smem_per_block_optin = 0;
};

// The current device's facts; throws fp8gemm::Error if there is no usable device.
const DeviceInfo& current_device_info();

}  // namespace fp8gemm::runtime
