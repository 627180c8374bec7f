// The CPU reference numerics against the E4M3 / BF16 format definitions and against naive loops.
#include "reference/reference.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"

namespace ref = fp8gemm::reference;

namespace {

// The 127 finite non-negative E4M3 values in increasing order, built from the format's definition
// (4 exponent bits with bias 7, 3 mantissa bits, subnormals at exponent 0, only S.1111.111 is NaN)
// without looking at bit fields: 8 subnormal steps of 2^-9, then 8 values per binade from 2^-6 up to
// the largest finite value 448 = 1.75 * 2^8. Because the format is sign-magnitude and ordered, code c
// (0..126) is the c-th of them.
std::vector<double> e4m3_finite_magnitudes() {
  std::vector<double> values;
  for (int i = 0; i < 8; ++i) values.push_back(i * std::pow(2.0, -9));
  for (int e = -6; e <= 8; ++e)
    for (int i = 0; i < 8; ++i) {
      const double v = std::pow(2.0, e) * (1.0 + i / 8.0);
      if (v <= 448.0) values.push_back(v);
    }
  return values;
}

// Distance to the next representable E4M3 magnitude at or above |v| (|v| <= 448).
double e4m3_step_at(double v) {
  const double a = std::fabs(v);
  if (a < std::pow(2.0, -6)) return std::pow(2.0, -9);
  return std::pow(2.0, std::floor(std::log2(a)) - 3);
}

std::vector<float> random_matrix(int64_t rows, int64_t cols, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> log_magnitude(-6.0f, 6.0f);
  std::vector<float> x(static_cast<size_t>(rows * cols));
  // Rows of very different magnitudes, so per-group scales differ.
  for (int64_t r = 0; r < rows; ++r) {
    const float row_scale = std::exp2(log_magnitude(gen));
    for (int64_t c = 0; c < cols; ++c) x[r * cols + c] = normal(gen) * row_scale;
  }
  return x;
}

std::vector<double> random_doubles(int64_t count, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> x(static_cast<size_t>(count));
  for (auto& v : x) v = normal(gen);
  return x;
}

}  // namespace

TEST(ReferenceE4m3, DecodesEveryCodeToTheFormatsValue) {
  const auto magnitudes = e4m3_finite_magnitudes();
  ASSERT_EQ(magnitudes.size(), 127u);
  for (int c = 0; c < 256; ++c) {
    const float v = ref::e4m3_to_float(static_cast<uint8_t>(c));
    const int magnitude_code = c & 0x7f;
    if (magnitude_code == 0x7f) {
      EXPECT_TRUE(std::isnan(v)) << "code " << c;
      continue;
    }
    const double expected = (c & 0x80 ? -1.0 : 1.0) * magnitudes[magnitude_code];
    EXPECT_EQ(static_cast<double>(v), expected) << "code " << c;
    EXPECT_EQ(std::signbit(v), (c & 0x80) != 0) << "code " << c;
  }
  // Landmarks of the format.
  EXPECT_EQ(ref::e4m3_to_float(0x38), 1.0f);
  EXPECT_EQ(ref::e4m3_to_float(0x40), 2.0f);
  EXPECT_EQ(ref::e4m3_to_float(0x7e), 448.0f);
  EXPECT_EQ(ref::e4m3_to_float(0xfe), -448.0f);
  EXPECT_EQ(ref::e4m3_to_float(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(ref::e4m3_to_float(0x08), std::ldexp(1.0f, -6));
}

TEST(ReferenceE4m3, EncodeInvertsDecodeForEveryFiniteCode) {
  for (int c = 0; c < 256; ++c) {
    if ((c & 0x7f) == 0x7f) continue;
    EXPECT_EQ(ref::float_to_e4m3(ref::e4m3_to_float(static_cast<uint8_t>(c))), c) << "code " << c;
  }
}

TEST(ReferenceE4m3, RoundsToNearestWithTiesToEven) {
  const auto magnitudes = e4m3_finite_magnitudes();
  for (size_t i = 0; i + 1 < magnitudes.size(); ++i) {
    const float lo = static_cast<float>(magnitudes[i]), hi = static_cast<float>(magnitudes[i + 1]);
    const float mid = static_cast<float>((magnitudes[i] + magnitudes[i + 1]) / 2);  // exact in float
    const int lo_code = static_cast<int>(i), hi_code = static_cast<int>(i + 1);
    const int even_code = lo_code % 2 == 0 ? lo_code : hi_code;
    for (float sign : {1.0f, -1.0f}) {
      const int sign_bit = sign < 0 ? 0x80 : 0;
      EXPECT_EQ(ref::float_to_e4m3(sign * mid), even_code | sign_bit) << "tie between " << lo << " and " << hi;
      EXPECT_EQ(ref::float_to_e4m3(sign * std::nextafter(mid, 0.0f)), lo_code | sign_bit) << "below " << mid;
      EXPECT_EQ(ref::float_to_e4m3(sign * std::nextafter(mid, 1e9f)), hi_code | sign_bit) << "above " << mid;
    }
  }
  // Below half the smallest subnormal everything goes to zero; half of it is a tie that goes to 0.
  EXPECT_EQ(ref::float_to_e4m3(std::ldexp(1.0f, -10)), 0x00);
  EXPECT_EQ(ref::float_to_e4m3(std::ldexp(1.0f, -20)), 0x00);
  EXPECT_EQ(ref::float_to_e4m3(-std::ldexp(1.0f, -20)), 0x80);
  EXPECT_EQ(ref::float_to_e4m3(std::ldexp(3.0f, -11)), 0x01);  // 0.75 * 2^-9
}

TEST(ReferenceE4m3, SaturatesBeyond448AndKeepsNan) {
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {448.0f, 449.0f, 464.0f, 480.0f, 1000.0f, 1e30f, std::numeric_limits<float>::max(), inf}) {
    EXPECT_EQ(ref::float_to_e4m3(v), 0x7e) << v;
    EXPECT_EQ(ref::float_to_e4m3(-v), 0xfe) << -v;
  }
  const uint8_t nan_code = ref::float_to_e4m3(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan_code & 0x7f, 0x7f);
  EXPECT_TRUE(std::isnan(ref::e4m3_to_float(nan_code)));
  EXPECT_EQ(ref::float_to_e4m3(-std::numeric_limits<float>::quiet_NaN()), 0xff);
  EXPECT_TRUE(std::isnan(ref::e4m3_to_float(0x7f)));
  EXPECT_TRUE(std::isnan(ref::e4m3_to_float(0xff)));
}

TEST(ReferenceBf16, RoundsToNearestEvenAndKeepsNan) {
  EXPECT_EQ(ref::float_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(ref::float_to_bf16(-2.0f), 0xc000);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to the even 1.0; 1 + 3 * 2^-8 goes up to even.
  EXPECT_EQ(ref::float_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
  EXPECT_EQ(ref::float_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  EXPECT_EQ(ref::float_to_bf16(std::nextafter(1.0f + std::ldexp(1.0f, -8), 2.0f)), 0x3f81);
  // The largest float rounds to infinity, infinity stays infinity.
  EXPECT_EQ(ref::float_to_bf16(std::numeric_limits<float>::max()), 0x7f80);
  EXPECT_EQ(ref::float_to_bf16(-std::numeric_limits<float>::infinity()), 0xff80);
  EXPECT_TRUE(std::isnan(ref::bf16_to_float(ref::float_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  // A signalling-looking NaN whose payload sits in the low half must not become infinity.
  uint32_t low_payload_nan_bits = 0x7f800001;
  float low_payload_nan;
  std::memcpy(&low_payload_nan, &low_payload_nan_bits, sizeof low_payload_nan);
  EXPECT_TRUE(std::isnan(ref::bf16_to_float(ref::float_to_bf16(low_payload_nan))));
  // Every non-NaN bf16 value converts to float and back unchanged.
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const float v = ref::bf16_to_float(static_cast<uint16_t>(bits));
    if (!std::isnan(v)) {
      EXPECT_EQ(ref::float_to_bf16(v), bits) << "bits " << bits;
    }
  }
}

namespace {

// Checks one quantized matrix against its source: scale per group as specified, |q| <= 448, the group
// maximum lands on ±448 (plain scales), and every value reconstructs within one E4M3 step.
void expect_faithful(const std::vector<float>& x, const ref::Quantized& qx, int64_t group_rows, bool pow2) {
  for (int64_t br = 0; br < qx.scale_rows; ++br)
    for (int64_t bc = 0; bc < qx.scale_cols; ++bc) {
      float amax = 0.0f;
      for (int64_t r = br * group_rows; r < std::min(qx.rows, (br + 1) * group_rows); ++r)
        for (int64_t c = bc * 128; c < std::min(qx.cols, (bc + 1) * 128); ++c)
          amax = std::max(amax, std::fabs(x[r * qx.cols + c]));
      const float plain = std::max(amax, 1e-4f) / 448.0f;
      const float scale = qx.scales[br * qx.scale_cols + bc];
      if (pow2) {
        int e = 0;
        EXPECT_EQ(std::frexp(scale, &e), 0.5f) << "scale " << scale << " is not a power of two";
        EXPECT_GE(scale, plain);
        EXPECT_LT(scale, 2 * plain);
      } else {
        EXPECT_EQ(scale, plain) << "group (" << br << ", " << bc << ")";
      }
    }
  const auto deq = group_rows == 1 ? ref::dequantize_per_token_group(qx) : ref::dequantize_per_block(qx);
  ASSERT_EQ(deq.size(), x.size());
  for (int64_t r = 0; r < qx.rows; ++r)
    for (int64_t c = 0; c < qx.cols; ++c) {
      const int64_t i = r * qx.cols + c;
      const float qv = ref::e4m3_to_float(qx.q[i]);
      ASSERT_FALSE(std::isnan(qv)) << "element (" << r << ", " << c << ")";
      ASSERT_LE(std::fabs(qv), 448.0f);
      const double scale = qx.scales[(r / group_rows) * qx.scale_cols + c / 128];
      EXPECT_EQ(deq[i], static_cast<double>(qv) * scale);
      const double step = e4m3_step_at(x[i] / scale) * scale;
      EXPECT_LE(std::fabs(deq[i] - x[i]), step) << "element (" << r << ", " << c << ") = " << x[i];
    }
}

}  // namespace

TEST(ReferenceQuantize, PerTokenGroupKeepsRangeAndReconstructs) {
  for (bool pow2 : {false, true}) {
    const int64_t rows = 5, cols = 300;  // the last group of each row is short (44 columns)
    auto x = random_matrix(rows, cols, 1);
    std::fill(x.begin() + 128, x.begin() + 256, 0.0f);  // an all-zero group gets the floored scale
    const auto qx = ref::quantize_per_token_group(x.data(), rows, cols, pow2);
    EXPECT_EQ(qx.rows, rows);
    EXPECT_EQ(qx.cols, cols);
    EXPECT_EQ(qx.scale_rows, rows);
    EXPECT_EQ(qx.scale_cols, 3);
    EXPECT_EQ(qx.scales.size(), 15u);
    expect_faithful(x, qx, 1, pow2);
    if (!pow2) {
      EXPECT_EQ(qx.scales[1], 1e-4f / 448.0f);
    }
  }
}

TEST(ReferenceQuantize, PerBlockKeepsRangeAndReconstructs) {
  for (bool pow2 : {false, true}) {
    const int64_t rows = 200, cols = 300;
    const auto x = random_matrix(rows, cols, 2);
    const auto qx = ref::quantize_per_block(x.data(), rows, cols, pow2);
    EXPECT_EQ(qx.scale_rows, 2);
    EXPECT_EQ(qx.scale_cols, 3);
    EXPECT_EQ(qx.scales.size(), 6u);
    expect_faithful(x, qx, 128, pow2);
  }
}

TEST(ReferenceQuantize, GroupMaximumMapsToFullRange) {
  std::vector<float> x(128);
  for (int i = 0; i < 128; ++i) x[i] = 0.01f * (i - 64);
  x[17] = -3.5f;
  const auto qx = ref::quantize_per_token_group(x.data(), 1, 128);
  EXPECT_EQ(qx.q[17], 0xfe);  // -448
}

TEST(ReferenceQuantize, RejectsBadArguments) {
  const float one = 1.0f;
  EXPECT_THROW(ref::quantize_per_token_group(&one, -1, 1), fp8gemm::Error);
  EXPECT_THROW(ref::quantize_per_block(&one, 1, -1), fp8gemm::Error);
  EXPECT_THROW(ref::quantize_per_block(nullptr, 2, 2), fp8gemm::Error);
  auto qx = ref::quantize_per_block(&one, 1, 1);
  qx.scales.push_back(1.0f);
  EXPECT_THROW(ref::dequantize_per_block(qx), fp8gemm::Error);
  try {
    ref::quantize_per_token_group(&one, -3, 1);
    FAIL() << "no error";
  } catch (const fp8gemm::Error& e) {
    EXPECT_NE(std::string(e.what()).find("rows"), std::string::npos) << e.what();
  }
}

TEST(ReferenceGemm, MatchesNaiveLoop) {
  // Shapes that end inside the micro-tile, the output tile and the K slice, and one large enough to use
  // several threads.
  const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {37, 45, 300}, {130, 260, 513}, {257, 300, 600}};
  for (const auto& s : shapes) {
    const int64_t m = s[0], n = s[1], k = s[2];
    const auto a = random_doubles(m * k, 10), b = random_doubles(n * k, 11);
    const auto d = ref::gemm_nt(a, b, m, n, k);
    ASSERT_EQ(d.size(), static_cast<size_t>(m * n));
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double expected = 0.0, magnitude = 0.0;
        for (int64_t p = 0; p < k; ++p) {
          expected += a[i * k + p] * b[j * k + p];
          magnitude += std::fabs(a[i * k + p] * b[j * k + p]);
        }
        ASSERT_NEAR(d[i * n + j], expected, 1e-13 * magnitude)
            << "shape " << m << "x" << n << "x" << k << " at (" << i << ", " << j << ")";
      }
  }
}

TEST(ReferenceGemm, HandlesEmptyShapesAndRejectsMismatchedSizes) {
  EXPECT_TRUE(ref::gemm_nt({}, {}, 0, 0, 5).empty());
  EXPECT_EQ(ref::gemm_nt({}, {}, 2, 3, 0), std::vector<double>(6, 0.0));
  EXPECT_THROW(ref::gemm_nt(std::vector<double>(5), std::vector<double>(6), 2, 3, 3), fp8gemm::Error);
  EXPECT_THROW(ref::gemm_nt(std::vector<double>(6), std::vector<double>(5), 2, 3, 3), fp8gemm::Error);
  EXPECT_THROW(ref::gemm_nt({}, {}, -1, 3, 0), fp8gemm::Error);
}

TEST(ReferenceGemm, DequantizedOperandsGiveTheScaledProduct) {
  // A and B quantized, multiplied through the reference: close to the product of the originals, as
  // E4M3's 3 mantissa bits allow (diff of a few 1e-4 on Gaussian data).
  const int64_t m = 16, n = 24, k = 384;
  const auto a = random_matrix(m, k, 3), b = random_matrix(n, k, 4);
  const auto da = ref::dequantize_per_token_group(ref::quantize_per_token_group(a.data(), m, k));
  const auto db = ref::dequantize_per_block(ref::quantize_per_block(b.data(), n, k));
  const auto approx = ref::gemm_nt(da, db, m, n, k);
  const auto exact = ref::gemm_nt(std::vector<double>(a.begin(), a.end()),
                                  std::vector<double>(b.begin(), b.end()), m, n, k);
  const double d = ref::diff(approx.data(), exact.data(), m * n);
  EXPECT_GT(d, 0.0);
  EXPECT_LT(d, 2e-3);
}

TEST(ReferenceDiff, ZeroForEqualInputsAndGrowsWithPlantedError) {
  auto x = random_doubles(4096, 5);
  EXPECT_EQ(ref::diff(x.data(), x.data(), 4096), 0.0);
  const std::vector<double> zeros(16, 0.0);
  EXPECT_EQ(ref::diff(zeros.data(), zeros.data(), 16), 0.0);
  EXPECT_EQ(ref::diff(nullptr, nullptr, 0), 0.0);

  double previous = 0.0;
  for (double error : {1e-3, 1e-2, 1e-1, 1.0, 10.0}) {
    auto y = x;
    y[123] += error;
    const double d = ref::diff(x.data(), y.data(), 4096);
    EXPECT_GT(d, previous) << "planted error " << error;
    previous = d;
  }
  std::vector<double> negated(x.size());
  for (size_t i = 0; i < x.size(); ++i) negated[i] = -x[i];
  EXPECT_NEAR(ref::diff(x.data(), negated.data(), 4096), 2.0, 1e-15);
  EXPECT_THROW(ref::diff(x.data(), x.data(), -1), fp8gemm::Error);
}
