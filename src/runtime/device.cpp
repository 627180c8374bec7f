#include "runtime/device.hpp"

#include <map>
#include <mutex>

#include "runtime/driver.hpp"

namespace fp8gemm::runtime {

namespace {

const DeviceInfo& device_info(CUdevice dev) {
  static std::mutex mutex;
  static std::map<CUdevice, DeviceInfo> infos;
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

}  // namespace

ContextInfo current_context_info() {
  // The thread's previous answer, kept while its context stays current: the device query and the
  // locked map look-up then happen once per context instead of once per call. cuCtxGetId(NULL) answers
  // for the current context, so a warm call asks the driver one thing; only a thread with no current
  // context yet goes through current_context(), which makes the primary context of device 0 current.
  thread_local ContextInfo last;
  const Driver& d = driver();
  unsigned long long id = 0;
  CUresult r = d.CtxGetId(nullptr, &id);
  if (r != CUDA_SUCCESS) {
    current_context();
    r = d.CtxGetId(nullptr, &id);
  }
  check(r, "cuCtxGetId");
  if (last.device == nullptr || last.id != id) {
    CUdevice dev = 0;
    check(d.CtxGetDevice(&dev), "cuCtxGetDevice");
    last = ContextInfo{id, &device_info(dev)};
  }
  return last;
}

const DeviceInfo& current_device_info() { return *current_context_info().device; }

}  // namespace fp8gemm::runtime
