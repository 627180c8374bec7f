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

void check_shape(const TensorView& t, const char* name, const std::vector<int64_t>& shape, const char* dims) {
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

void check_on_device(const TensorView& t, const char* name) {
  if (t.numel() == 0) return;
  if (t.data == nullptr) fail(name, "data pointer is null");
  const runtime::Driver& d = runtime::driver();
  unsigned int memory_type = 0;
  const CUresult r = d.PointerGetAttribute(&memory_type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                           reinterpret_cast<CUdeviceptr>(t.data));
  if (r != CUDA_SUCCESS || memory_type == CU_MEMORYTYPE_HOST)
    fail(name, "must be in CUDA device memory (got a host pointer)");
  int is_managed = 0;
  d.PointerGetAttribute(&is_managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, reinterpret_cast<CUdeviceptr>(t.data));
  if (!is_managed) {
    int ordinal = -1;
    runtime::check(d.PointerGetAttribute(&ordinal, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL,
                                         reinterpret_cast<CUdeviceptr>(t.data)),
                   "cuPointerGetAttribute");
    const CUdevice current = runtime::current_device();
    if (ordinal != static_cast<int>(current))
      fail(name, "is on device " + std::to_string(ordinal) + " but the current device is " +
                     std::to_string(static_cast<int>(current)));
  }
}

bool scale_layout_ok(const TensorView& sa) {
  const int64_t rows = sa.shape[sa.ndim - 2], kb = sa.shape[sa.ndim - 1];
  const int64_t s_row = sa.stride[sa.ndim - 2], s_kb = sa.stride[sa.ndim - 1];
  const bool row_major = (s_kb == 1 || kb == 1) && (s_row >= kb || rows == 1);
  const bool mn_major = (s_row == 1 || rows == 1) && (s_kb >= rows || kb == 1);
  return row_major || mn_major;
}

const runtime::DeviceInfo& hopper_device() {
  const runtime::DeviceInfo& dev = runtime::current_device_info();
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
