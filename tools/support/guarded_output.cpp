#include "support/guarded_output.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>

#include "support/cuda_check.hpp"

namespace fp8gemm::support {

// At least two full rows on either side (catches a tile stored one row too early or too late), and a
// multiple of 128 elements so that D itself starts 256-byte aligned like a fresh allocation.
static int64_t guard_elements_for(int64_t cols) {
  const int64_t wanted = std::max<int64_t>(8192, 2 * cols);
  return (wanted + 127) / 128 * 128;
}

GuardedOutput::GuardedOutput(int64_t rows, int64_t cols)
    : rows_(rows), cols_(cols), guard_elements_(guard_elements_for(cols)) {
  buffer_ = DeviceBuffer(static_cast<size_t>(rows * cols + 2 * guard_elements_) * sizeof(uint16_t));
}

void GuardedOutput::poison(CUstream_st* stream) const {
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(buffer_.get(), 0xFF, buffer_.bytes(), stream));
}

std::string GuardedOutput::guard_damage() const {
  const int64_t d_elements = rows_ * cols_;
  const auto before = buffer_.to_vector<uint16_t>(static_cast<size_t>(guard_elements_));
  const auto after =
      buffer_.to_vector<uint16_t>(static_cast<size_t>(guard_elements_), static_cast<size_t>(guard_elements_ + d_elements));
  for (int64_t i = guard_elements_ - 1; i >= 0; --i)
    if (before[static_cast<size_t>(i)] != kPoison)
      return "guard band before D written " + std::to_string(guard_elements_ - i) + " elements before D[0]";
  for (int64_t i = 0; i < guard_elements_; ++i)
    if (after[static_cast<size_t>(i)] != kPoison)
      return "guard band after D written " + std::to_string(i) + " elements past the end of D";
  return "";
}

std::vector<uint16_t> GuardedOutput::download() const {
  return buffer_.to_vector<uint16_t>(static_cast<size_t>(rows_ * cols_), static_cast<size_t>(guard_elements_));
}

}  // namespace fp8gemm::support
