#include "runtime/device.hpp"

#include <map>
#include <mutex>

#include "runtime/driver.hpp"

namespace fp8gemm::runtime {

const DeviceInfo& current_device_info() {
  static std::mutex mutex;
  static std::map<CUdevice, DeviceInfo> infos;
  const CUdevice dev = current_device();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = infos.find(dev);
  if (it != infos.end()) return it->second;
  const Driver& d = driver();
  DeviceInfo info;
  info.device = dev;
  char name[256] = {};
  check(d.DeviceGetName(name, sizeof(name), dev), "cuDeviceGetName");
  info.name = name;
  check(d.DeviceGetAttribute(&info.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "cuDeviceGetAttribute");
  check(d.DeviceGetAttribute(&info.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "cuDeviceGetAttribute");
  check(d.DeviceGetAttribute(&info.sm_count, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev), "cuDeviceGetAttribute");
  check(d.DeviceGetAttribute(&info.smem_per_block_optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev),
        "cuDeviceGetAttribute");
  return infos.emplace(dev, info).first->second;
}

}  // namespace fp8gemm::runtime
