// CPU reference numerics. Everything here favours being obviously right over being fast, except
// gemm_nt, which the GPU correctness checks call on shapes up to about 1024 x 4096 x 7168 and which is
// therefore blocked and multithreaded.
#include "reference/reference.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <thread>

#include "common/math.hpp"
#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm::reference {

namespace {

constexpr int64_t kGroup = 128;          // quantization group / block edge
constexpr float kE4m3Max = 448.0f;       // largest finite E4M3 value
constexpr float kMinAmax = 1e-4f;        // floor on amax so an all-zero group gets a finite scale
constexpr uint8_t kE4m3MaxCode = 0x7e;   // 0 1111 110 = 448
constexpr uint8_t kE4m3NanCode = 0x7f;   // 0 1111 111

void check_matrix_args(const float* x, int64_t rows, int64_t cols) {
  if (rows < 0) throw Error("rows: must be >= 0, got " + std::to_string(rows));
  if (cols < 0) throw Error("cols: must be >= 0, got " + std::to_string(cols));
  if (x == nullptr && rows * cols > 0) throw Error("x: must not be null for a non-empty matrix");
}

void check_quantized(const Quantized& x, int64_t group_rows) {
  if (x.rows < 0 || x.cols < 0) throw Error("x: rows and cols must be >= 0");
  if (static_cast<int64_t>(x.q.size()) != x.rows * x.cols)
    throw Error("x.q: must hold rows * cols = " + std::to_string(x.rows * x.cols) + " codes, got " +
                std::to_string(x.q.size()));
  const int64_t want_rows = ceil_div(x.rows, group_rows), want_cols = ceil_div(x.cols, kGroup);
  if (x.scale_rows != want_rows || x.scale_cols != want_cols ||
      static_cast<int64_t>(x.scales.size()) != want_rows * want_cols)
    throw Error("x.scales: must be [" + std::to_string(want_rows) + ", " + std::to_string(want_cols) +
                "] for a [" + std::to_string(x.rows) + ", " + std::to_string(x.cols) +
                "] matrix, got [" + std::to_string(x.scale_rows) + ", " + std::to_string(x.scale_cols) +
                "] with " + std::to_string(x.scales.size()) + " values");
}

// Smallest power of two >= s (s > 0, finite): the UE8M0-style scale.
float round_up_to_pow2(float s) {
  int e = 0;
  const float m = std::frexp(s, &e);  // s = m * 2^e, m in [0.5, 1)
  return m == 0.5f ? s : std::ldexp(1.0f, e);
}

float group_scale(float amax, bool pow2_scales) {
  const float s = std::max(amax, kMinAmax) / kE4m3Max;
  return pow2_scales ? round_up_to_pow2(s) : s;
}

// Quantizes x in tiles of group_rows x 128 (group_rows is 1 or 128).
Quantized quantize(const float* x, int64_t rows, int64_t cols, int64_t group_rows, bool pow2_scales) {
  check_matrix_args(x, rows, cols);
  Quantized out;
  out.rows = rows;
  out.cols = cols;
  out.scale_rows = ceil_div(rows, group_rows);
  out.scale_cols = ceil_div(cols, kGroup);
  out.q.resize(static_cast<size_t>(rows * cols));
  out.scales.resize(static_cast<size_t>(out.scale_rows * out.scale_cols));
  for (int64_t br = 0; br < out.scale_rows; ++br) {
    const int64_t r0 = br * group_rows, r1 = std::min(rows, r0 + group_rows);
    for (int64_t bc = 0; bc < out.scale_cols; ++bc) {
      const int64_t c0 = bc * kGroup, c1 = std::min(cols, c0 + kGroup);
      float amax = 0.0f;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) amax = std::max(amax, std::fabs(x[r * cols + c]));
      const float scale = group_scale(amax, pow2_scales);
      out.scales[br * out.scale_cols + bc] = scale;
      // A true IEEE division, as the device quantizers do (no reciprocal), so results match bit for bit.
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) out.q[r * cols + c] = float_to_e4m3(x[r * cols + c] / scale);
    }
  }
  return out;
}

std::vector<double> dequantize(const Quantized& x, int64_t group_rows) {
  check_quantized(x, group_rows);
  std::vector<double> out(static_cast<size_t>(x.rows * x.cols));
  for (int64_t r = 0; r < x.rows; ++r)
    for (int64_t c = 0; c < x.cols; ++c) {
      const double scale = x.scales[(r / group_rows) * x.scale_cols + c / kGroup];
      out[r * x.cols + c] = static_cast<double>(e4m3_to_float(x.q[r * x.cols + c])) * scale;
    }
  return out;
}

// gemm_nt blocking. A thread takes one output tile (kTileM x kTileN) at a time; within it, K is walked in
// slices of kSliceK; for each slice, B's columns are packed in panels of kNr (k-major inside a panel,
// zero-padded past N) so the kMr x kNr micro-kernel reads both operands contiguously.
constexpr int64_t kMr = 4, kNr = 4;
constexpr int64_t kTileM = 64, kTileN = 256, kSliceK = 256;

// acc[i][j] += sum_p a_rows[i][p] * panel[p][j] over p < depth. Missing rows point at a valid row; their
// results are discarded by the caller.
inline void micro_kernel(const double* const a_rows[kMr], const double* panel, int64_t depth,
                         double acc[kMr][kNr]) {
  double t[kMr][kNr] = {};
  for (int64_t p = 0; p < depth; ++p) {
    const double* b = panel + p * kNr;
    for (int64_t i = 0; i < kMr; ++i) {
      const double av = a_rows[i][p];
      for (int64_t j = 0; j < kNr; ++j) t[i][j] += av * b[j];
    }
  }
  for (int64_t i = 0; i < kMr; ++i)
    for (int64_t j = 0; j < kNr; ++j) acc[i][j] += t[i][j];
}

void gemm_nt_tile(const double* a, const double* b, double* d, int64_t n, int64_t k, int64_t m0,
                  int64_t m1, int64_t n0, int64_t n1, std::vector<double>& packed) {
  const int64_t panels = ceil_div(n1 - n0, kNr);
  packed.resize(static_cast<size_t>(panels * kNr * kSliceK));
  for (int64_t k0 = 0; k0 < k; k0 += kSliceK) {
    const int64_t depth = std::min(kSliceK, k - k0);
    for (int64_t pnl = 0; pnl < panels; ++pnl) {
      double* dst = packed.data() + pnl * kNr * depth;
      for (int64_t j = 0; j < kNr; ++j) {
        const int64_t col = n0 + pnl * kNr + j;
        for (int64_t p = 0; p < depth; ++p) dst[p * kNr + j] = col < n1 ? b[col * k + k0 + p] : 0.0;
      }
    }
    for (int64_t i0 = m0; i0 < m1; i0 += kMr) {
      const int64_t rows = std::min(kMr, m1 - i0);
      const double* a_rows[kMr];
      for (int64_t i = 0; i < kMr; ++i) a_rows[i] = a + (i0 + std::min(i, rows - 1)) * k + k0;
      for (int64_t pnl = 0; pnl < panels; ++pnl) {
        const int64_t c0 = n0 + pnl * kNr, cols = std::min(kNr, n1 - c0);
        double acc[kMr][kNr] = {};
        micro_kernel(a_rows, packed.data() + pnl * kNr * depth, depth, acc);
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j) d[(i0 + i) * n + c0 + j] += acc[i][j];
      }
    }
  }
}

}  // namespace

float e4m3_to_float(uint8_t code) {
  const bool negative = code & 0x80;
  const int exponent = (code >> 3) & 0xf;
  const int mantissa = code & 0x7;
  float magnitude;
  if (exponent == 0xf && mantissa == 0x7) {
    magnitude = std::numeric_limits<float>::quiet_NaN();
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -9);  // subnormal: m/8 * 2^-6
  } else {
    magnitude = std::ldexp(static_cast<float>(8 + mantissa), exponent - 10);  // (1 + m/8) * 2^(e-7)
  }
  return negative ? -magnitude : magnitude;
}

uint8_t float_to_e4m3(float x) {
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  if (std::isnan(x)) return sign | kE4m3NanCode;
  const float a = std::fabs(x);
  // Beyond 448 (infinity included) the result saturates, as cvt.rn.satfinite does.
  if (a >= kE4m3Max) return sign | kE4m3MaxCode;
  // Spacing of representable values around a: 2^-9 for subnormals and the first normal binade,
  // 2^(e-3) in the binade [2^e, 2^(e+1)). a / spacing is exact (power-of-two division), and rounding it
  // to an integer with ties to even rounds a the same way. The integer maps straight to the code: in the
  // subnormal range the code is the count of 2^-9 steps, and a count of 16 spills correctly into the
  // next binade's exponent field.
  int binade = -6;  // zero, subnormals and the first normal binade share the spacing 2^-9
  if (a >= std::ldexp(1.0f, -6)) {
    int e = 0;
    std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1), so a is in [2^(e-1), 2^e)
    binade = e - 1;
  }
  const float steps = std::nearbyint(std::ldexp(a, 3 - binade));  // default mode: ties to even
  return sign | static_cast<uint8_t>((binade + 6) * 8 + static_cast<int>(steps));
}

uint16_t float_to_bf16(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return static_cast<uint16_t>((bits >> 16) | 0x0040);  // keep it a (quiet) NaN
  const uint32_t rounding = 0x7fff + ((bits >> 16) & 1);                  // ties to even
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float bf16_to_float(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

Quantized quantize_per_token_group(const float* x, int64_t rows, int64_t cols, bool pow2_scales) {
  return quantize(x, rows, cols, 1, pow2_scales);
}

Quantized quantize_per_block(const float* x, int64_t rows, int64_t cols, bool pow2_scales) {
  return quantize(x, rows, cols, kGroup, pow2_scales);
}

std::vector<double> dequantize_per_token_group(const Quantized& x) { return dequantize(x, 1); }

std::vector<double> dequantize_per_block(const Quantized& x) { return dequantize(x, kGroup); }

std::vector<double> gemm_nt(const std::vector<double>& a, const std::vector<double>& b, int64_t m,
                            int64_t n, int64_t k) {
  if (m < 0) throw Error("m: must be >= 0, got " + std::to_string(m));
  if (n < 0) throw Error("n: must be >= 0, got " + std::to_string(n));
  if (k < 0) throw Error("k: must be >= 0, got " + std::to_string(k));
  if (static_cast<int64_t>(a.size()) != m * k)
    throw Error("a: must hold m * k = " + std::to_string(m * k) + " values, got " +
                std::to_string(a.size()));
  if (static_cast<int64_t>(b.size()) != n * k)
    throw Error("b: must hold n * k = " + std::to_string(n * k) + " values, got " +
                std::to_string(b.size()));
  std::vector<double> d(static_cast<size_t>(m * n), 0.0);
  if (m == 0 || n == 0 || k == 0) return d;

  const int64_t tiles_m = ceil_div(m, kTileM), tiles_n = ceil_div(n, kTileN);
  const int64_t tiles = tiles_m * tiles_n;
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    std::vector<double> packed;
    for (int64_t t = next++; t < tiles; t = next++) {
      const int64_t tm = t / tiles_n, tn = t % tiles_n;
      gemm_nt_tile(a.data(), b.data(), d.data(), n, k, tm * kTileM, std::min(m, (tm + 1) * kTileM),
                   tn * kTileN, std::min(n, (tn + 1) * kTileN), packed);
    }
  };
  // Small problems are not worth a thread start.
  const int64_t work = m * n * k;
  const int64_t hw = std::max(1u, std::thread::hardware_concurrency());
  const int64_t threads = work < (int64_t{1} << 22) ? 1 : std::min(hw, tiles);
  std::vector<std::thread> pool;
  for (int64_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return d;
}

double diff(const double* x, const double* y, int64_t count) {
  if (count < 0) throw Error("count: must be >= 0, got " + std::to_string(count));
  if ((x == nullptr || y == nullptr) && count > 0) throw Error("x, y: must not be null when count > 0");
  DiffSums sums;
  for (int64_t i = 0; i < count; ++i) sums.add(x[i], y[i]);
  return sums.diff();
}

}  // namespace fp8gemm::reference
