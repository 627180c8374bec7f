// Argument checks of the entry points. Each throws fp8gemm::Error naming the argument and the rule.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

#include "fp8gemm/fp8gemm.hpp"
#include "runtime/device.hpp"

namespace fp8gemm::api {

std::string shape_string(const TensorView& t);

void check_dtype(const TensorView& t, const char* name, DType dtype);
// `dims` describes the expected shape for the message, e.g. "[M, K]". A span or a braced list, not a
// vector: the checks run on every call, and a vector would be an allocation each time.
void check_shape(const TensorView& t, const char* name, std::span<const int64_t> shape, const char* dims);
inline void check_shape(const TensorView& t, const char* name, std::initializer_list<int64_t> shape,
                        const char* dims) {
  check_shape(t, name, std::span<const int64_t>(shape.begin(), shape.size()), dims);
}
// Innermost stride 1, the other strides multiples of `multiple` elements and at least row-major sized.
void check_rows(const TensorView& t, const char* name, int64_t multiple);
void check_contiguous(const TensorView& t, const char* name);
void check_alignment(const TensorView& t, const char* name, int64_t bytes);
// The current context of one call, looked up when a check or the launch first needs it: the argument
// checks that need no driver come first, so a bad argument is named on a machine without a GPU too.
class CallContext {
 public:
  const runtime::ContextInfo& get() {
    if (info_.device == nullptr) info_ = runtime::current_context_info();
    return info_;
  }

 private:
  runtime::ContextInfo info_;
};

// The memory is on the current device (device or managed memory of it): the view's `device` where the
// caller gave it, else one driver query per tensor.
void check_on_device(const TensorView& t, const char* name, CallContext& context);

// A scales [.., rows, Kb]: row-major (Kb stride 1) or MN-major (row stride 1); returns false if neither.
bool scale_layout_ok(const TensorView& sa);

// The current device, which must be a Hopper GPU (sm_90): the kernels are built for sm_90a.
const runtime::DeviceInfo& hopper_device(CallContext& context);

// N >= 8, N % 8 == 0, K >= 16, K % 16 == 0.
void check_problem(int64_t n, int64_t k);

}  // namespace fp8gemm::api
