// The BF16 output D inside one allocation with guard bands: a band before and after D and, when D has
// padded rows, guard columns on both sides of every row (row stride N + 256, D starting 8 columns into
// each row; wide enough for any tile that overruns N). Everything is poisoned with 0xFF bytes before a
// run: 0xFFFF is a BF16 NaN, so an element the kernel should have written but did not shows up as NaN,
// an element it must leave alone can be checked to still hold the poison, and a write outside D shows
// up as damage to a guard.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "support/device_buffer.hpp"

namespace fp8gemm::support {

constexpr uint16_t kPoison = 0xFFFF;

// Contiguous D (what most callers pass), or rows padded with guard columns (a row stride above N, which
// the API accepts and which catches stores past the end of a row).
enum class OutputLayout { contiguous, padded_rows };
const char* output_layout_name(OutputLayout layout);

class GuardedOutput {
 public:
  GuardedOutput() = default;
  GuardedOutput(int64_t rows, int64_t cols, OutputLayout layout);

  uint16_t* data() const { return buffer_.as<uint16_t>() + guard_elements_ + col_before_; }
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t row_stride() const { return ld_; }
  // [rows, cols], or [groups, rows / groups, cols] for groups > 0.
  TensorView view(int64_t groups = 0) const;

  void poison(Stream stream) const;
  // Empty when every guard still holds the poison; otherwise where the first damage is.
  std::string guard_damage() const;
  // D's elements, row-major [rows, cols] without the guards.
  std::vector<uint16_t> download() const;

 private:
  DeviceBuffer buffer_;
  int64_t rows_ = 0, cols_ = 0, ld_ = 0, col_before_ = 0;
  int64_t guard_elements_ = 0;
};

}  // namespace fp8gemm::support
