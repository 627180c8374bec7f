// Experiment 19: a stand-in CUDA driver (libcuda.so.1 look-alike) whose entry points do nothing and
// succeed, so that fp8gemm's own host work per call can be timed and profiled (perf) on a machine
// without a GPU: load it with FP8GEMM_LIBCUDA=/path/libfakecuda.so. Kernels are still compiled for
// real (NVRTC) on the first call; launches go nowhere.
//   g++ -std=c++20 -O2 -shared -fPIC -I/usr/local/cuda/include 19-fake-libcuda.cpp -o /tmp/libfakecuda.so
// Add -DENCODE_SPIN_NS=40 to make its cuTensorMapEncodeTiled spin about that long (from one clock read to
// the next, so a little more) instead of returning at once: closer to the real driver's encode, for
// comparing a tree that encodes with one that does not.
#include <cuda.h>

#include <chrono>
#include <cstring>
#include <string_view>

#ifndef ENCODE_SPIN_NS
#define ENCODE_SPIN_NS 0
#endif

namespace {

int ctx_storage, module_storage, function_storage;
CUcontext const kContext = reinterpret_cast<CUcontext>(&ctx_storage);

CUresult ok() { return CUDA_SUCCESS; }
CUresult get_error_string(CUresult, const char** s) { *s = "fake driver"; return CUDA_SUCCESS; }
CUresult driver_version(int* v) { *v = 13000; return CUDA_SUCCESS; }
CUresult device_count(int* n) { *n = 1; return CUDA_SUCCESS; }
CUresult device_get(CUdevice* d, int) { *d = 0; return CUDA_SUCCESS; }
CUresult device_name(char* name, int len, CUdevice) { std::strncpy(name, "Fake H100", len); return CUDA_SUCCESS; }
CUresult device_attribute(int* v, CUdevice_attribute a, CUdevice) {
  switch (a) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *v = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *v = 132; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: *v = 232448; break;
    default: *v = 0;
  }
  return CUDA_SUCCESS;
}
CUresult primary_retain(CUcontext* c, CUdevice) { *c = kContext; return CUDA_SUCCESS; }
CUresult ctx_get_current(CUcontext* c) { *c = kContext; return CUDA_SUCCESS; }
CUresult ctx_set_current(CUcontext) { return CUDA_SUCCESS; }
CUresult ctx_get_device(CUdevice* d) { *d = 0; return CUDA_SUCCESS; }
CUresult ctx_get_id(CUcontext, unsigned long long* id) { *id = 1; return CUDA_SUCCESS; }
CUresult stream_get_ctx(CUstream, CUcontext* c) { *c = kContext; return CUDA_SUCCESS; }
CUresult module_load(CUmodule* m, const void*) { *m = reinterpret_cast<CUmodule>(&module_storage); return CUDA_SUCCESS; }
CUresult module_unload(CUmodule) { return CUDA_SUCCESS; }
CUresult module_function(CUfunction* f, CUmodule, const char*) {
  *f = reinterpret_cast<CUfunction>(&function_storage);
  return CUDA_SUCCESS;
}
CUresult func_set_attribute(CUfunction, CUfunction_attribute, int) { return CUDA_SUCCESS; }
CUresult func_get_attribute(int* v, CUfunction_attribute, CUfunction) { *v = 0; return CUDA_SUCCESS; }
CUresult launch(const CUlaunchConfig*, CUfunction, void**, void**) { return CUDA_SUCCESS; }
CUresult encode_tiled(CUtensorMap* map, CUtensorMapDataType, cuuint32_t, void*, const cuuint64_t*, const cuuint64_t*,
                      const cuuint32_t*, const cuuint32_t*, CUtensorMapInterleave, CUtensorMapSwizzle,
                      CUtensorMapL2promotion, CUtensorMapFloatOOBfill) {
  std::memset(map, 0, sizeof(*map));
  if constexpr (ENCODE_SPIN_NS > 0) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ENCODE_SPIN_NS);
    while (std::chrono::steady_clock::now() < end) {
    }
  }
  return CUDA_SUCCESS;
}
CUresult pointer_attributes(unsigned n, CUpointer_attribute* attributes, void** values, CUdeviceptr) {
  for (unsigned i = 0; i < n; ++i) {
    if (attributes[i] == CU_POINTER_ATTRIBUTE_MEMORY_TYPE) *static_cast<unsigned*>(values[i]) = CU_MEMORYTYPE_DEVICE;
    if (attributes[i] == CU_POINTER_ATTRIBUTE_IS_MANAGED) *static_cast<int*>(values[i]) = 0;
    if (attributes[i] == CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL) *static_cast<int*>(values[i]) = 0;
  }
  return CUDA_SUCCESS;
}
CUresult occupancy_clusters(int* n, CUfunction, const CUlaunchConfig*) { *n = 66; return CUDA_SUCCESS; }

struct Entry {
  std::string_view name;
  void* fn;
};
const Entry kEntries[] = {
    {"cuInit", reinterpret_cast<void*>(+[](unsigned) { return ok(); })},
    {"cuGetErrorString", reinterpret_cast<void*>(&get_error_string)},
    {"cuDriverGetVersion", reinterpret_cast<void*>(&driver_version)},
    {"cuDeviceGetCount", reinterpret_cast<void*>(&device_count)},
    {"cuDeviceGet", reinterpret_cast<void*>(&device_get)},
    {"cuDeviceGetName", reinterpret_cast<void*>(&device_name)},
    {"cuDeviceGetAttribute", reinterpret_cast<void*>(&device_attribute)},
    {"cuDevicePrimaryCtxRetain", reinterpret_cast<void*>(&primary_retain)},
    {"cuCtxGetCurrent", reinterpret_cast<void*>(&ctx_get_current)},
    {"cuCtxSetCurrent", reinterpret_cast<void*>(&ctx_set_current)},
    {"cuCtxGetDevice", reinterpret_cast<void*>(&ctx_get_device)},
    {"cuCtxGetId", reinterpret_cast<void*>(&ctx_get_id)},
    {"cuStreamGetCtx", reinterpret_cast<void*>(&stream_get_ctx)},
    {"cuModuleLoadData", reinterpret_cast<void*>(&module_load)},
    {"cuModuleUnload", reinterpret_cast<void*>(&module_unload)},
    {"cuModuleGetFunction", reinterpret_cast<void*>(&module_function)},
    {"cuFuncSetAttribute", reinterpret_cast<void*>(&func_set_attribute)},
    {"cuFuncGetAttribute", reinterpret_cast<void*>(&func_get_attribute)},
    {"cuLaunchKernelEx", reinterpret_cast<void*>(&launch)},
    {"cuTensorMapEncodeTiled", reinterpret_cast<void*>(&encode_tiled)},
    {"cuPointerGetAttributes", reinterpret_cast<void*>(&pointer_attributes)},
    {"cuOccupancyMaxActiveClusters", reinterpret_cast<void*>(&occupancy_clusters)},
};

}  // namespace

extern "C" CUresult cuGetProcAddress_v2(const char* symbol, void** pfn, int, cuuint64_t,
                                        CUdriverProcAddressQueryResult* status) {
  for (const Entry& e : kEntries) {
    if (e.name == symbol) {
      *pfn = e.fn;
      if (status) *status = CU_GET_PROC_ADDRESS_SUCCESS;
      return CUDA_SUCCESS;
    }
  }
  *pfn = nullptr;
  if (status) *status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
  return CUDA_ERROR_NOT_FOUND;
}
