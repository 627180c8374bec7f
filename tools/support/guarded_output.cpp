#include "support/guarded_output.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>

#include "support/cuda_check.hpp"

namespace fp8gemm::support {

const char* output_layout_name(OutputLayout layout) {
  return layout == OutputLayout::contiguous ? "contiguous" : "padded-rows";
}

// Bands of at least two full rows before and after D (a tile stored one row too early or too late), a
// multiple of 128 elements so that D starts 256-byte aligned like a fresh allocation.
static int64_t guard_elements_for(int64_t ld) {
  const int64_t wanted = std::max<int64_t>(8192, 2 * ld);
  return (wanted + 127) / 128 * 128;
}

// Padded rows: 8 guard columns before D's row (keeps rows 16-byte aligned) and 248 after it.
static constexpr int64_t kGuardColsBefore = 8, kGuardColsAfter = 248;

GuardedOutput::GuardedOutput(int64_t rows, int64_t cols, OutputLayout layout) : rows_(rows), cols_(cols) {
  const bool padded = layout == OutputLayout::padded_rows;
  col_before_ = padded ? kGuardColsBefore : 0;
  ld_ = padded ? kGuardColsBefore + cols + kGuardColsAfter : cols;
  guard_elements_ = guard_elements_for(ld_);
  buffer_ = DeviceBuffer(static_cast<size_t>(rows * ld_ + 2 * guard_elements_) * sizeof(uint16_t));
}

TensorView GuardedOutput::view(int64_t groups) const {
  TensorView v;
  v.data = data();
  v.dtype = DType::bf16;
  if (groups == 0) {
    v.ndim = 2;
    v.shape[0] = rows_, v.shape[1] = cols_;
    v.stride[0] = ld_, v.stride[1] = 1;
  } else {
    const int64_t per_group = rows_ / groups;
    v.ndim = 3;
    v.shape[0] = groups, v.shape[1] = per_group, v.shape[2] = cols_;
    v.stride[0] = per_group * ld_, v.stride[1] = ld_, v.stride[2] = 1;
  }
  return v;
}

void GuardedOutput::poison(Stream stream) const {
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(buffer_.get(), 0xFF, buffer_.bytes(), stream));
}

std::string GuardedOutput::guard_damage() const {
  const std::vector<uint16_t> all = buffer_.to_vector<uint16_t>(buffer_.bytes() / sizeof(uint16_t));
  for (int64_t i = guard_elements_ - 1; i >= 0; --i)
    if (all[static_cast<size_t>(i)] != kPoison)
      return "guard band before D written " + std::to_string(guard_elements_ - i) + " elements before D's first row";
  const int64_t after = guard_elements_ + rows_ * ld_;
  for (int64_t i = 0; i < guard_elements_; ++i)
    if (all[static_cast<size_t>(after + i)] != kPoison)
      return "guard band after D written " + std::to_string(i) + " elements past D's last row";
  for (int64_t r = 0; r < rows_; ++r) {
    const uint16_t* row = all.data() + guard_elements_ + r * ld_;
    for (int64_t c = 0; c < ld_; ++c) {
      if ((c < col_before_ || c >= col_before_ + cols_) && row[c] != kPoison)
        return "guard column of D's row " + std::to_string(r) + " written (" +
               (c < col_before_ ? std::to_string(col_before_ - c) + " before column 0"
                                : std::to_string(c - col_before_ - cols_) + " past column N-1") +
               ")";
    }
  }
  return "";
}

std::vector<uint16_t> GuardedOutput::download() const {
  if (ld_ == cols_)
    return buffer_.to_vector<uint16_t>(static_cast<size_t>(rows_ * cols_), static_cast<size_t>(guard_elements_));
  const std::vector<uint16_t> padded =
      buffer_.to_vector<uint16_t>(static_cast<size_t>(rows_ * ld_), static_cast<size_t>(guard_elements_));
  std::vector<uint16_t> out(static_cast<size_t>(rows_ * cols_));
  for (int64_t r = 0; r < rows_; ++r)
    std::copy_n(padded.begin() + r * ld_ + col_before_, cols_, out.begin() + r * cols_);
  return out;
}

}  // namespace fp8gemm::support
