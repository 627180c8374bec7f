#include "support/quantize_problem.hpp"

#include <cuda_runtime_api.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "common/math.hpp"
#include "reference/reference.hpp"
#include "support/cuda_check.hpp"

namespace fp8gemm::support {
namespace {

constexpr int64_t kGroup = 128;
constexpr uint8_t kCodePoison = 0x5a;
constexpr uint32_t kScalePoison = 0xffffffffu;  // a NaN: no kernel ever writes one as a scale

float f16_to_float(uint16_t h) {
  const float sign = (h & 0x8000) ? -1.0f : 1.0f;
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0x1f)
    return mantissa ? std::copysign(std::numeric_limits<float>::quiet_NaN(), sign)
                    : sign * std::numeric_limits<float>::infinity();
  if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -24);
  return sign * std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);
}

// Some FP16 value near v (truncated, saturated): test data only needs to be exactly FP16.
uint16_t float_to_f16_truncated(float v) {
  const uint32_t u = std::bit_cast<uint32_t>(v);
  const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000);
  if (std::isnan(v)) return sign | 0x7e00;
  const float a = std::fabs(v);
  if (a >= 65504.0f) return sign | 0x7bff;
  if (a < std::ldexp(1.0f, -14)) return sign | static_cast<uint16_t>(a * std::ldexp(1.0f, 24));
  const uint32_t exponent = (u >> 23) & 0xff;
  return sign | static_cast<uint16_t>(((exponent - 112) << 10) | ((u >> 13) & 0x3ff));
}

// v as the nearest value of `dtype` (FP16: a neighbour), written at `dst`; returns that value.
float store_as(DType dtype, float v, uint8_t* dst) {
  if (dtype == DType::f32) {
    std::memcpy(dst, &v, 4);
    return v;
  }
  const uint16_t bits = dtype == DType::bf16 ? reference::float_to_bf16(v) : float_to_f16_truncated(v);
  std::memcpy(dst, &bits, 2);
  return dtype == DType::bf16 ? reference::bf16_to_float(bits) : f16_to_float(bits);
}

// Shape and strides of a 2-D or 3-D view.
TensorView make_view(void* data, DType dtype, int64_t groups, int64_t rows, int64_t cols, int64_t group_stride,
                     int64_t row_stride, int64_t col_stride) {
  TensorView t;
  t.data = data;
  t.dtype = dtype;
  int d = 0;
  if (groups > 0) {
    t.shape[d] = groups;
    t.stride[d++] = group_stride;
  }
  t.shape[d] = rows;
  t.stride[d++] = row_stride;
  t.shape[d] = cols;
  t.stride[d++] = col_stride;
  t.ndim = d;
  return t;
}

// Where the scale of (group, row or row block r, column block c) lives, in floats.
struct ScaleGeometry {
  int64_t rows, cols;  // per group
  int64_t group_stride, row_stride, col_stride;
  int64_t offset(int64_t g, int64_t r, int64_t c) const { return g * group_stride + r * row_stride + c * col_stride; }
};

ScaleGeometry scale_geometry(const QuantizeCase& c) {
  const int64_t rows = c.kind == QuantizeKind::per_token ? c.rows : ceil_div(c.rows, kGroup);
  const int64_t cols = ceil_div(c.cols, kGroup);
  if (c.scales == ScaleLayout::mn_major) {
    const int64_t ld = get_tma_aligned_size(rows, 4);
    return {rows, cols, ld * cols, 1, ld};
  }
  return {rows, cols, rows * cols, cols, 1};
}

}  // namespace

QuantizeCase gemm_layout_case(QuantizeKind kind, DType dtype, int64_t rows, int64_t cols) {
  QuantizeCase c{kind, dtype, 0, rows, cols};
  c.scales = kind == QuantizeKind::per_token ? ScaleLayout::mn_major : ScaleLayout::row_major;
  return c;
}

std::string describe(const QuantizeCase& c) {
  std::string s = c.kind == QuantizeKind::per_token ? "per_token " : "per_block ";
  s += dtype_name(c.dtype);
  s += " [" + (c.groups > 0 ? std::to_string(c.groups) + ", " : "") + std::to_string(c.rows) + ", " +
       std::to_string(c.cols) + "] scales " + scale_layout_name(c.scales);
  if (c.pow2_scales) s += ", pow2";
  if (c.x_row_padding) s += ", x rows +" + std::to_string(c.x_row_padding);
  if (c.x_offset) s += ", x offset " + std::to_string(c.x_offset);
  if (c.q_row_padding) s += ", q rows +" + std::to_string(c.q_row_padding);
  if (c.specials) s += ", NaN/-0/tiny";
  return s;
}

QuantizeProblem make_quantize_problem(const QuantizeCase& c, uint64_t seed) {
  QuantizeProblem p;
  p.c = c;
  const int64_t groups = std::max<int64_t>(c.groups, 1);
  const int64_t element = dtype_size(c.dtype);
  const int64_t x_row = c.cols + c.x_row_padding, q_row = c.cols + c.q_row_padding;

  // Input: randn scaled per row by U(0, 100), one all-zero group (amax floors at 1e-4); the padding
  // holds large values, which would show in a scale if a kernel read them.
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(0.0f, 100.0f);
  std::vector<uint8_t> x_host(static_cast<size_t>((c.x_offset + groups * c.rows * x_row) * element));
  for (int64_t i = 0; i < static_cast<int64_t>(x_host.size()) / element; ++i)
    store_as(c.dtype, 30000.0f, x_host.data() + i * element);
  p.values.resize(static_cast<size_t>(groups * c.rows * c.cols));
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t r = 0; r < c.rows; ++r) {
      const float row_scale = uniform(rng);
      for (int64_t k = 0; k < c.cols; ++k) {
        float v = (r == 0 && k < 130) ? 0.0f : normal(rng) * row_scale;
        if (c.specials) {
          const int64_t pick = (g * 131 + r * 7 + k) % 97;
          if (pick == 0) v = std::numeric_limits<float>::quiet_NaN();
          if (pick == 1) v = -std::numeric_limits<float>::quiet_NaN();
          if (pick == 2) v = -0.0f;
          if (pick == 3) v = -1e-30f;
          if (pick == 4) v = 3e-39f;
        }
        const int64_t at = c.x_offset + (g * c.rows + r) * x_row + k;
        p.values[static_cast<size_t>((g * c.rows + r) * c.cols + k)] = store_as(c.dtype, v, x_host.data() + at * element);
      }
    }
  p.x_buffer = DeviceBuffer::from(x_host);
  p.x = make_view(p.x_buffer.as<uint8_t>() + c.x_offset * element, c.dtype, c.groups, c.rows, c.cols, c.rows * x_row,
                  x_row, 1);

  p.q_buffer = DeviceBuffer(static_cast<size_t>(groups * c.rows * q_row));
  p.q = make_view(p.q_buffer.get(), DType::e4m3, c.groups, c.rows, c.cols, c.rows * q_row, q_row, 1);

  const ScaleGeometry s = scale_geometry(c);
  p.scales_buffer = DeviceBuffer(static_cast<size_t>(groups * s.group_stride) * sizeof(float));
  p.scales = make_view(p.scales_buffer.get(), DType::f32, c.groups, s.rows, s.cols, s.group_stride, s.row_stride,
                       s.col_stride);
  p.bytes_moved = groups * c.rows * c.cols * (element + 1) + groups * s.rows * s.cols * 4;
  return p;
}

void QuantizeProblem::poison(Stream stream) const {
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(q_buffer.get(), kCodePoison, q_buffer.bytes(), stream));
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(scales_buffer.get(), 0xff, scales_buffer.bytes(), stream));
}

void QuantizeProblem::run(Stream stream) const {
  if (c.kind == QuantizeKind::per_token)
    per_token_cast_to_fp8(x, q, scales, c.pow2_scales, stream);
  else
    per_block_cast_to_fp8(x, q, scales, c.pow2_scales, stream);
}

std::string QuantizeProblem::compare(Stream stream) const {
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  const int64_t groups = std::max<int64_t>(c.groups, 1);
  const int64_t q_row = c.cols + c.q_row_padding;
  const std::vector<uint8_t> codes = q_buffer.to_vector<uint8_t>(q_buffer.bytes());
  const std::vector<uint32_t> scale_bits = scales_buffer.to_vector<uint32_t>(scales_buffer.bytes() / 4);
  const ScaleGeometry s = scale_geometry(c);
  std::vector<bool> scale_written(scale_bits.size(), false);
  for (int64_t g = 0; g < groups; ++g) {
    const float* x = values.data() + g * c.rows * c.cols;
    const reference::Quantized expected =
        c.kind == QuantizeKind::per_token ? reference::quantize_per_token_group(x, c.rows, c.cols, c.pow2_scales)
                                          : reference::quantize_per_block(x, c.rows, c.cols, c.pow2_scales);
    const std::string at = c.groups > 0 ? "group " + std::to_string(g) + ", " : "";
    for (int64_t r = 0; r < c.rows; ++r)
      for (int64_t k = 0; k < q_row; ++k) {
        const uint8_t got = codes[static_cast<size_t>((g * c.rows + r) * q_row + k)];
        const uint8_t want = k < c.cols ? expected.q[static_cast<size_t>(r * c.cols + k)] : kCodePoison;
        if (got != want) {
          char text[160];
          std::snprintf(text, sizeof text, "%scode [%lld, %lld]: got 0x%02x, expected 0x%02x%s (x = %a)", at.c_str(),
                        static_cast<long long>(r), static_cast<long long>(k), got, want,
                        k < c.cols ? "" : " (row padding: must stay untouched)",
                        k < c.cols ? static_cast<double>(x[r * c.cols + k]) : 0.0);
          return text;
        }
      }
    for (int64_t r = 0; r < s.rows; ++r)
      for (int64_t kb = 0; kb < s.cols; ++kb) {
        const int64_t offset = s.offset(g, r, kb);
        scale_written[static_cast<size_t>(offset)] = true;
        const float want = expected.scales[static_cast<size_t>(r * s.cols + kb)];
        if (scale_bits[static_cast<size_t>(offset)] != std::bit_cast<uint32_t>(want)) {
          char text[160];
          std::snprintf(text, sizeof text, "%sscale [%lld, %lld]: got %a, expected %a", at.c_str(),
                        static_cast<long long>(r), static_cast<long long>(kb),
                        static_cast<double>(std::bit_cast<float>(scale_bits[static_cast<size_t>(offset)])),
                        static_cast<double>(want));
          return text;
        }
      }
  }
  for (size_t i = 0; i < scale_bits.size(); ++i)
    if (!scale_written[i] && scale_bits[i] != kScalePoison)
      return "scales: padding float " + std::to_string(i) + " was written";
  return "";
}

}  // namespace fp8gemm::support
