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

// The current context's ID and its device's facts, as a launch needs them (the context made current as
// current_context() makes it where there is none): one cheap driver call (cuCtxGetId) when the thread's
// context is the one of its previous call. `id` is the driver's ID of the context, unique for the
// process's lifetime, where a destroyed context's handle may come back for a new one: what is kept per
// context is kept under it.
struct ContextInfo {
  unsigned long long id = 0;
  const DeviceInfo* device = nullptr;
};
ContextInfo current_context_info();

}  // namespace fp8gemm::runtime
