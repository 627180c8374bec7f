// The BF16 output D inside one allocation with a guard band before and after it. Everything (D and the
// guards) is poisoned with 0xFF bytes before a run: 0xFFFF is a BF16 NaN, so an element the kernel
// should have written but did not shows up as NaN, an element it must leave alone can be checked to still
// hold the poison, and a write outside D shows up as damage to a guard band.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/device_buffer.hpp"

struct CUstream_st;

namespace fp8gemm::support {

constexpr uint16_t kPoison = 0xFFFF;

class GuardedOutput {
 public:
  GuardedOutput() = default;
  GuardedOutput(int64_t rows, int64_t cols);

  uint16_t* data() const { return buffer_.as<uint16_t>() + guard_elements_; }
  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }

  void poison(CUstream_st* stream) const;
  // Empty when both guard bands still hold the poison; otherwise where the first damage is.
  std::string guard_damage() const;
  std::vector<uint16_t> download() const;

 private:
  DeviceBuffer buffer_;
  int64_t rows_ = 0, cols_ = 0;
  int64_t guard_elements_ = 0;
};

}  // namespace fp8gemm::support
