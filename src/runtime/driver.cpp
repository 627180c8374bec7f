#include "runtime/driver.hpp"

#include <dlfcn.h>

#include <string>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm::runtime {
namespace {

// Every entry point is asked for as of CUDA 12.0: new enough for cuTensorMapEncodeTiled and
// cuLaunchKernelEx, and old enough that names whose signature changed later (cuCtxGetDevice in 13.0,
// cuStreamGetCtx in 12.5) come back with the signature cuda.h declares for them.
constexpr int kApiVersion = 12000;

using GetProcAddressV2 = CUresult (*)(const char*, void**, int, cuuint64_t, CUdriverProcAddressQueryResult*);
using GetProcAddressV1 = CUresult (*)(const char*, void**, int, cuuint64_t);

std::string library_name() {
  std::string env = env_value("FP8GEMM_LIBCUDA");
  return env.empty() ? "libcuda.so.1" : env;
}

// Resolves driver symbols by name through whichever cuGetProcAddress the driver exports.
class Resolver {
 public:
  explicit Resolver(void* lib) {
    v2_ = reinterpret_cast<GetProcAddressV2>(dlsym(lib, "cuGetProcAddress_v2"));
    if (!v2_) v1_ = reinterpret_cast<GetProcAddressV1>(dlsym(lib, "cuGetProcAddress"));
    if (!v2_ && !v1_)
      throw Error("CUDA driver " + library_name() +
                  " exports neither cuGetProcAddress_v2 nor cuGetProcAddress: the driver is too old "
                  "(fp8gemm needs a CUDA 12.0 or newer driver)");
  }

  template <typename Fn>
  void resolve(Fn& fn, const char* name) const {
    void* p = nullptr;
    CUresult r = CUDA_ERROR_NOT_FOUND;
    if (v2_) {
      CUdriverProcAddressQueryResult status = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
      r = v2_(name, &p, kApiVersion, CU_GET_PROC_ADDRESS_LEGACY_STREAM, &status);
      if (status != CU_GET_PROC_ADDRESS_SUCCESS) p = nullptr;
    } else {
      r = v1_(name, &p, kApiVersion, CU_GET_PROC_ADDRESS_LEGACY_STREAM);
    }
    if (r != CUDA_SUCCESS || !p)
      throw Error("CUDA driver " + library_name() + " does not provide " + name + " (as of CUDA " +
                  std::to_string(kApiVersion / 1000) + "." + std::to_string(kApiVersion % 1000 / 10) +
                  "): the driver is too old");
    fn = reinterpret_cast<Fn>(p);
  }

 private:
  GetProcAddressV2 v2_ = nullptr;
  GetProcAddressV1 v1_ = nullptr;
};

Driver load_driver() {
  std::string name = library_name();
  // RTLD_NOLOAD first: a process that already uses CUDA (PyTorch) has the driver mapped.
  void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  if (!lib) lib = dlopen(name.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!lib) {
    const char* why = dlerror();
    throw Error("CUDA driver not found: dlopen(\"" + name + "\") failed (" + (why ? why : "unknown reason") +
                "); install the NVIDIA driver or set FP8GEMM_LIBCUDA to the path of libcuda.so.1");
  }
  Resolver resolver(lib);
  Driver d{};
  resolver.resolve(d.Init, "cuInit");
  resolver.resolve(d.GetErrorString, "cuGetErrorString");
  resolver.resolve(d.DriverGetVersion, "cuDriverGetVersion");
  resolver.resolve(d.DeviceGetCount, "cuDeviceGetCount");
  resolver.resolve(d.DeviceGet, "cuDeviceGet");
  resolver.resolve(d.DeviceGetName, "cuDeviceGetName");
  resolver.resolve(d.DeviceGetAttribute, "cuDeviceGetAttribute");
  resolver.resolve(d.DevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  resolver.resolve(d.CtxGetCurrent, "cuCtxGetCurrent");
  resolver.resolve(d.CtxSetCurrent, "cuCtxSetCurrent");
  resolver.resolve(d.CtxGetDevice, "cuCtxGetDevice");
  resolver.resolve(d.CtxGetId, "cuCtxGetId");
  resolver.resolve(d.StreamGetCtx, "cuStreamGetCtx");
  resolver.resolve(d.ModuleLoadData, "cuModuleLoadData");
  resolver.resolve(d.ModuleUnload, "cuModuleUnload");
  resolver.resolve(d.ModuleGetFunction, "cuModuleGetFunction");
  resolver.resolve(d.FuncSetAttribute, "cuFuncSetAttribute");
  resolver.resolve(d.FuncGetAttribute, "cuFuncGetAttribute");
  resolver.resolve(d.LaunchKernelEx, "cuLaunchKernelEx");
  resolver.resolve(d.TensorMapEncodeTiled, "cuTensorMapEncodeTiled");
  resolver.resolve(d.PointerGetAttributes, "cuPointerGetAttributes");
  resolver.resolve(d.OccupancyMaxActiveClusters, "cuOccupancyMaxActiveClusters");

  CUresult r = d.Init(0);
  if (r != CUDA_SUCCESS) {
    const char* text = nullptr;
    d.GetErrorString(r, &text);
    throw Error("CUDA driver " + name + ": cuInit failed: " +
                (text ? text : "CUDA error " + std::to_string(static_cast<int>(r))));
  }
  return d;
}

}  // namespace

const Driver& driver() {
  // A failed load throws out of the initializer, so the next call tries again.
  static const Driver d = load_driver();
  return d;
}

bool driver_available() {
  try {
    int count = 0;
    return driver().DeviceGetCount(&count) == CUDA_SUCCESS && count > 0;
  } catch (...) {
    return false;
  }
}

void check(CUresult r, const char* what) {
  if (r == CUDA_SUCCESS) return;
  const char* text = nullptr;
  if (driver().GetErrorString(r, &text) != CUDA_SUCCESS || !text) text = nullptr;
  throw Error(std::string(what) + ": " + (text ? text : "CUDA error " + std::to_string(static_cast<int>(r))));
}

CUdevice current_device() {
  const Driver& d = driver();
  CUcontext ctx = nullptr;
  check(d.CtxGetCurrent(&ctx), "cuCtxGetCurrent");
  if (!ctx) {
    // Like the CUDA runtime: the primary context of device 0, retained once for the whole process.
    static CUcontext primary = [&] {
      CUdevice dev = 0;
      check(d.DeviceGet(&dev, 0), "cuDeviceGet(0)");
      CUcontext c = nullptr;
      check(d.DevicePrimaryCtxRetain(&c, dev), "cuDevicePrimaryCtxRetain(device 0)");
      return c;
    }();
    check(d.CtxSetCurrent(primary), "cuCtxSetCurrent");
  }
  CUdevice dev = 0;
  check(d.CtxGetDevice(&dev), "cuCtxGetDevice");
  return dev;
}

CUcontext current_context() {
  const Driver& d = driver();
  CUcontext ctx = nullptr;
  check(d.CtxGetCurrent(&ctx), "cuCtxGetCurrent");
  if (ctx) return ctx;
  current_device();  // makes the primary context of device 0 current
  check(d.CtxGetCurrent(&ctx), "cuCtxGetCurrent");
  return ctx;
}

}  // namespace fp8gemm::runtime
