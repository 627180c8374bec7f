// CPU reference numerics: E4M3 and BF16 conversions, the 1x128 and 128x128 quantizers, a reference
// GEMM in double on the dequantized operands, and the error metric. Used by the tests and `fp8gemm check`.
#pragma once

#include <cstdint>
#include <vector>

namespace fp8gemm::reference {

// E4M3 (OCP FP8, "fn": no infinities, 0x7f/0xff are NaN, max finite 448).
float e4m3_to_float(uint8_t code);
// Round to nearest even, saturate finite values beyond ±448 to ±448, NaN stays NaN (0x7f / 0xff).
uint8_t float_to_e4m3(float x);

// BF16 round-to-nearest-even; NaN stays NaN.
uint16_t float_to_bf16(float x);
float bf16_to_float(uint16_t bits);

// Quantized matrix: q is row-major [rows, cols]; scales row-major [scale_rows, scale_cols].
struct Quantized {
  int64_t rows = 0, cols = 0;
  int64_t scale_rows = 0, scale_cols = 0;
  std::vector<uint8_t> q;
  std::vector<float> scales;
};

// scale = max(amax, 1e-4) / 448 per group; with pow2_scales the scale is rounded up to a power of two
// (UE8M0-style). q = e4m3(x / scale).
// Per token group: groups of 1 x 128 along the columns; scales [rows, ceil(cols/128)].
Quantized quantize_per_token_group(const float* x, int64_t rows, int64_t cols, bool pow2_scales = false);
// Per block: 128 x 128 blocks; scales [ceil(rows/128), ceil(cols/128)].
Quantized quantize_per_block(const float* x, int64_t rows, int64_t cols, bool pow2_scales = false);

// Dequantized operands (double), row-major like q.
std::vector<double> dequantize_per_token_group(const Quantized& x);
std::vector<double> dequantize_per_block(const Quantized& x);

// D[m, n] = sum_k A[m, k] * B[n, k] in double ("NT"), on dequantized operands. Multithreaded.
std::vector<double> gemm_nt(const std::vector<double>& a, const std::vector<double>& b, int64_t m,
                            int64_t n, int64_t k);

// diff = 1 - 2 Σxy / Σ(x² + y²); 0 when both are all zero.
double diff(const double* x, const double* y, int64_t count);

// The sums behind diff, for callers that gather them in pieces (in parallel over chunks, then merged in
// chunk order, so that the result does not depend on the number of threads).
struct DiffSums {
  double xy = 0.0, xx = 0.0, yy = 0.0;
  void add(double x, double y) {
    xy += x * y;
    xx += x * x;
    yy += y * y;
  }
  void merge(const DiffSums& o) {
    xy += o.xy;
    xx += o.xx;
    yy += o.yy;
  }
  double diff() const { return xx + yy == 0.0 ? 0.0 : 1.0 - 2.0 * xy / (xx + yy); }
};

}  // namespace fp8gemm::reference
