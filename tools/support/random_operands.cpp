#include "support/random_operands.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>

#include "common/math.hpp"
#include "support/parallel.hpp"

namespace fp8gemm::support {

// Work is split into chunks of 128 rows: the unit of both quantizers (a 128x128 block never straddles two
// chunks), and the unit of the random streams, so results do not depend on the thread count.
static constexpr int64_t kChunkRows = 128;

static uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t derive_seed(uint64_t base, uint64_t index) {
  uint64_t state = base ^ (index * 0xD1B54A32D192ED03ull);
  return splitmix64(state);
}

// Box-Muller on 53-bit uniforms.
static void fill_randn(float* out, int64_t count, uint64_t seed) {
  uint64_t state = seed;
  constexpr double kTwoPi = 2.0 * std::numbers::pi;
  for (int64_t i = 0; i < count; i += 2) {
    const double u1 = (static_cast<double>(splitmix64(state) >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
    const double u2 = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;          // [0, 1)
    const double radius = std::sqrt(-2.0 * std::log(u1));
    out[i] = static_cast<float>(radius * std::cos(kTwoPi * u2));
    if (i + 1 < count) out[i + 1] = static_cast<float>(radius * std::sin(kTwoPi * u2));
  }
}

reference::Quantized random_quantized(int64_t rows, int64_t cols, Quantization kind, uint64_t seed) {
  reference::Quantized out;
  out.rows = rows;
  out.cols = cols;
  out.scale_cols = ceil_div(cols, 128);
  out.scale_rows = kind == Quantization::per_token_group ? rows : ceil_div(rows, 128);
  out.q.resize(static_cast<size_t>(rows * cols));
  out.scales.resize(static_cast<size_t>(out.scale_rows * out.scale_cols));
  parallel_for(ceil_div(rows, kChunkRows), [&](int64_t chunk) {
    const int64_t row0 = chunk * kChunkRows;
    const int64_t chunk_rows = std::min(kChunkRows, rows - row0);
    std::vector<float> x(static_cast<size_t>(chunk_rows * cols));
    fill_randn(x.data(), static_cast<int64_t>(x.size()), derive_seed(seed, static_cast<uint64_t>(chunk)));
    const reference::Quantized part = kind == Quantization::per_token_group
                                          ? reference::quantize_per_token_group(x.data(), chunk_rows, cols)
                                          : reference::quantize_per_block(x.data(), chunk_rows, cols);
    std::memcpy(out.q.data() + row0 * cols, part.q.data(), part.q.size());
    const int64_t scale_row0 = kind == Quantization::per_token_group ? row0 : row0 / 128;
    std::memcpy(out.scales.data() + scale_row0 * out.scale_cols, part.scales.data(),
                part.scales.size() * sizeof(float));
  });
  return out;
}

std::vector<double> dequantized(const reference::Quantized& x, Quantization kind, int64_t row0, int64_t rows) {
  if (row0 < 0 || rows < 0 || row0 + rows > x.rows)
    throw std::out_of_range("dequantized: rows [" + std::to_string(row0) + ", " + std::to_string(row0 + rows) +
                            ") outside a matrix of " + std::to_string(x.rows) + " rows");
  if (kind == Quantization::per_block && row0 % 128 != 0)
    throw std::invalid_argument("dequantized: per-block row0 must be a multiple of 128");
  std::vector<double> out(static_cast<size_t>(rows * x.cols));
  parallel_for(ceil_div(rows, kChunkRows), [&](int64_t chunk) {
    const int64_t first = row0 + chunk * kChunkRows;
    reference::Quantized part;
    part.rows = std::min(kChunkRows, row0 + rows - first);
    part.cols = x.cols;
    part.scale_cols = x.scale_cols;
    part.scale_rows = kind == Quantization::per_token_group ? part.rows : 1;
    const int64_t scale_row0 = kind == Quantization::per_token_group ? first : first / 128;
    part.q.assign(x.q.begin() + first * x.cols, x.q.begin() + (first + part.rows) * x.cols);
    part.scales.assign(x.scales.begin() + scale_row0 * x.scale_cols,
                       x.scales.begin() + (scale_row0 + part.scale_rows) * x.scale_cols);
    const std::vector<double> values = kind == Quantization::per_token_group
                                           ? reference::dequantize_per_token_group(part)
                                           : reference::dequantize_per_block(part);
    std::copy(values.begin(), values.end(), out.begin() + (first - row0) * x.cols);
  });
  return out;
}

}  // namespace fp8gemm::support
