// The CUDA driver API, opened at run time (dlopen of libcuda.so.1, or FP8GEMM_LIBCUDA), so that the
// library loads and compiles kernels on machines without a GPU or driver.
#pragma once

#include <cuda.h>

namespace fp8gemm::runtime {

// Function pointers resolved through cuGetProcAddress (so versioned entry points are the right ones).
struct Driver {
  decltype(&::cuInit) Init;
  decltype(&::cuGetErrorString) GetErrorString;
  decltype(&::cuDriverGetVersion) DriverGetVersion;
  decltype(&::cuDeviceGetCount) DeviceGetCount;
  decltype(&::cuDeviceGet) DeviceGet;
  decltype(&::cuDeviceGetName) DeviceGetName;
  decltype(&::cuDeviceGetAttribute) DeviceGetAttribute;
  decltype(&::cuDevicePrimaryCtxRetain) DevicePrimaryCtxRetain;
  decltype(&::cuCtxGetCurrent) CtxGetCurrent;
  decltype(&::cuCtxSetCurrent) CtxSetCurrent;
  decltype(&::cuCtxGetDevice) CtxGetDevice;
  decltype(&::cuCtxGetId) CtxGetId;
  decltype(&::cuStreamGetCtx) StreamGetCtx;
  decltype(&::cuModuleLoadData) ModuleLoadData;
  decltype(&::cuModuleUnload) ModuleUnload;
  decltype(&::cuModuleGetFunction) ModuleGetFunction;
  decltype(&::cuFuncSetAttribute) FuncSetAttribute;
  decltype(&::cuFuncGetAttribute) FuncGetAttribute;
  decltype(&::cuLaunchKernelEx) LaunchKernelEx;
  decltype(&::cuTensorMapEncodeTiled) TensorMapEncodeTiled;
  decltype(&::cuPointerGetAttributes) PointerGetAttributes;
  decltype(&::cuOccupancyMaxActiveClusters) OccupancyMaxActiveClusters;
};

// The loaded driver; throws fp8gemm::Error (naming the library looked for) when it cannot be loaded.
const Driver& driver();

// True when a driver is loadable and reports at least one device. Never throws.
bool driver_available();

// Throws fp8gemm::Error("<what>: <driver error string>") when r != CUDA_SUCCESS.
void check(CUresult r, const char* what);

// The device of the current context, making the primary context of device 0 current when there is
// none (as the CUDA runtime does).
CUdevice current_device();

// The current context, made as current_device() makes it when there is none. Modules and functions are
// per context, so what is kept of a loaded kernel is kept under this.
CUcontext current_context();

}  // namespace fp8gemm::runtime
