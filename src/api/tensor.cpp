#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::e4m3: return "float8_e4m3fn";
    case DType::f32: return "float32";
    case DType::bf16: return "bfloat16";
    case DType::i32: return "int32";
    case DType::f16: return "float16";
  }
  return "unknown";
}

int dtype_size(DType t) {
  switch (t) {
    case DType::e4m3: return 1;
    case DType::bf16:
    case DType::f16: return 2;
    case DType::f32:
    case DType::i32: return 4;
  }
  return 0;
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int i = 0; i < ndim; ++i) n *= shape[i];
  return n;
}

TensorView TensorView::contiguous(void* data, DType dtype, std::initializer_list<int64_t> shape) {
  if (shape.size() > 3) throw Error("TensorView::contiguous: at most 3 dimensions, got " + std::to_string(shape.size()));
  TensorView t;
  t.data = data;
  t.dtype = dtype;
  t.ndim = static_cast<int>(shape.size());
  int i = 0;
  for (int64_t s : shape) t.shape[i++] = s;
  int64_t stride = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    t.stride[d] = stride;
    stride *= t.shape[d];
  }
  return t;
}

}  // namespace fp8gemm
