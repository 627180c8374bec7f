#include "api/checks.hpp"

#include "runtime/driver.hpp"

namespace fp8gemm::api {
namespace {

[[noreturn]] void fail(const char* name, const std::string& rule) { throw Error(std::string(name) + ": " + rule); }

}  // namespace

std::string shape_string(const TensorView& t) {
  std::string s = "[";
  for (int i = 0; i < t.ndim; ++i) s += (i ? ", " : "") + std::to_string(t.shape[i]);
  return s + "]";
}

void check_dtype(const TensorView& t, const char* name, DType dtype) {
  if (t.dtype != dtype)
    fail(name, std::string("must have dtype ") + dtype_name(dtype) + ", got " + dtype_name(t.dtype));
}

void check_shape(const TensorView& t, const char* name, std::span<const int64_t> shape, const char* dims) {
  bool ok = t.ndim == static_cast<int>(shape.size());
  for (int i = 0; ok && i < t.ndim; ++i) ok = t.shape[i] == shape[i];
  if (!ok) {
    TensorView expected;
    expected.ndim = static_cast<int>(shape.size());
    for (int i = 0; i < expected.ndim; ++i) expected.shape[i] = shape[i];
    fail(name, std::string("must have shape ") + dims + " = " + shape_string(expected) + ", got " + shape_string(t));
  }
}

void check_rows(const TensorView& t, const char* name, int64_t multiple) {
  if (t.ndim == 0) return;
  if (t.stride[t.ndim - 1] != 1 && t.shape[t.ndim - 1] > 1)
    fail(name, "must be contiguous in its last dimension (stride 1), got stride " +
                   std::to_string(t.stride[t.ndim - 1]));
  int64_t min_stride = t.shape[t.ndim - 1];
  for (int i = t.ndim - 2; i >= 0; --i) {
    if (t.shape[i] > 1 && (t.stride[i] % multiple != 0 || t.stride[i] < min_stride))
      fail(name, "stride of dimension " + std::to_string(i) + " must be a multiple of " + std::to_string(multiple) +
                     " elements and at least " + std::to_string(min_stride) + ", got " + std::to_string(t.stride[i]));
    min_stride = t.stride[i] * t.shape[i];
  }
}

void check_contiguous(const TensorView& t, const char* name) {
  int64_t expected = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    if (t.shape[i] > 1 && t.stride[i] != expected)
      fail(name, "must be contiguous (row-major, no gaps); dimension " + std::to_string(i) + " has stride " +
                     std::to_string(t.stride[i]) + ", expected " + std::to_string(expected));
    expected *= t.shape[i];
  }
}

void check_alignment(const TensorView& t, const char* name, int64_t bytes) {
  if (reinterpret_cast<uintptr_t>(t.data) % bytes != 0)
    fail(name, "data pointer must be aligned to " + std::to_string(bytes) + " bytes");
}

void check_on_device(const TensorView& t, const char* name, CallContext& context) {
  if (t.numel() == 0) return;
  if (t.data == nullptr) fail(name, "data pointer is null");
  if (t.device < kManagedMemory)
    fail(name, "device must be a device ordinal (>= 0), kManagedMemory (-2) or kDeviceUnknown (-1), got " +
                   std::to_string(t.device));
  if (t.device == kManagedMemory) return;
  int ordinal = t.device;  // the caller's word where given: no driver query
  if (ordinal == kDeviceUnknown) {
    // The three facts in one query: each query is a look-up of the address in the driver's tables, and
    // this runs for every tensor of every call. An address the driver does not know (pageable host
    // memory) comes back as success with the values left at zero, where cuPointerGetAttribute failed
    // with CUDA_ERROR_INVALID_VALUE: either way it is host memory here.
    unsigned int memory_type = 0;
    int is_managed = 0;  // 4 bytes whether the driver writes a bool or an int
    CUpointer_attribute attributes[] = {CU_POINTER_ATTRIBUTE_MEMORY_TYPE, CU_POINTER_ATTRIBUTE_IS_MANAGED,
                                        CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL};
    void* values[] = {&memory_type, &is_managed, &ordinal};
    const CUresult r = runtime::driver().PointerGetAttributes(3, attributes, values,
                                                              reinterpret_cast<CUdeviceptr>(t.data));
    if (r != CUDA_SUCCESS || memory_type == 0 || memory_type == CU_MEMORYTYPE_HOST)
      fail(name, "must be in CUDA device memory (got a host pointer)");
    if (is_managed) return;
  }
  const int current_device = static_cast<int>(context.get().device->device);
  if (ordinal != current_device)
    fail(name, "is on device " + std::to_string(ordinal) + " but the current device is " +
                   std::to_string(current_device));
}

bool scale_layout_ok(const TensorView& sa) {
  const int64_t rows = sa.shape[sa.ndim - 2], kb = sa.shape[sa.ndim - 1];
  const int64_t s_row = sa.stride[sa.ndim - 2], s_kb = sa.stride[sa.ndim - 1];
  const bool row_major = (s_kb == 1 || kb == 1) && (s_row >= kb || rows == 1);
  const bool mn_major = (s_row == 1 || rows == 1) && (s_kb >= rows || kb == 1);
  return row_major || mn_major;
}

const runtime::DeviceInfo& hopper_device(CallContext& context) {
  const runtime::DeviceInfo& dev = *context.get().device;
  if (dev.major != 9 || dev.minor != 0)
    throw Error("device: fp8gemm needs a Hopper GPU (sm_90); the current device is " + dev.name + " (sm_" +
                std::to_string(dev.major) + std::to_string(dev.minor) + ")");
  return dev;
}

void check_problem(int64_t n, int64_t k) {
  if (n < 8 || n % 8 != 0) throw Error("N (b.shape[-2]) must be a multiple of 8 and at least 8, got " + std::to_string(n));
  if (k < 16 || k % 16 != 0)
    throw Error("K (a.shape[-1]) must be a multiple of 16 and at least 16, got " + std::to_string(k));
  if (n > (1 << 20) || k > (1 << 20)) throw Error("N and K must be at most 2^20");
}

}  // namespace fp8gemm::api
