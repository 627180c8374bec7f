// The C++ API's argument rules that need no GPU: every error names the argument and the rule. (Device
// and pointer rules are covered by tests/gpu/test_arguments.cpp.)
#include <gtest/gtest.h>

#include <string>

#include "fp8gemm/fp8gemm.hpp"

namespace {

using fp8gemm::DType;
using fp8gemm::TensorView;

// Runs `call` and returns the fp8gemm::Error message it throws (fails the test if it throws nothing).
template <class F>
std::string error_of(F call) {
  try {
    call();
  } catch (const fp8gemm::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no fp8gemm::Error thrown";
  return "";
}

// Host buffers stand in for device memory: the shape and dtype rules are checked before any pointer.
alignas(16) unsigned char bytes[1 << 16];

struct Normal {
  int64_t m = 4, n = 128, k = 256;
  TensorView a = TensorView::contiguous(bytes, DType::e4m3, {m, k});
  TensorView sa = TensorView::contiguous(bytes, DType::f32, {m, 2});
  TensorView b = TensorView::contiguous(bytes, DType::e4m3, {n, k});
  TensorView sb = TensorView::contiguous(bytes, DType::f32, {1, 2});
  TensorView d = TensorView::contiguous(bytes, DType::bf16, {m, n});
  std::string call() {
    return error_of([&] { fp8gemm::fp8_gemm_nt(a, sa, b, sb, d); });
  }
};

TEST(PublicApi, GemmShapeAndDtypeRulesNameTheArgument) {
  {
    Normal g;
    g.b = TensorView::contiguous(bytes, DType::e4m3, {100, g.k});  // N % 8 != 0
    EXPECT_NE(g.call().find("N (b.shape[-2]) must be a multiple of 8"), std::string::npos);
  }
  {
    Normal g;
    g.a = TensorView::contiguous(bytes, DType::e4m3, {g.m, 200});  // K % 16 != 0
    g.b = TensorView::contiguous(bytes, DType::e4m3, {g.n, 200});
    EXPECT_NE(g.call().find("K (a.shape[-1]) must be a multiple of 16"), std::string::npos);
  }
  {
    Normal g;
    g.sa = TensorView::contiguous(bytes, DType::f32, {g.m, 3});
    EXPECT_NE(g.call().find("sa: must have shape [M, ceil(K/128)] = [4, 2], got [4, 3]"), std::string::npos);
  }
  {
    Normal g;
    g.d = TensorView::contiguous(bytes, DType::f32, {g.m, g.n});
    EXPECT_NE(g.call().find("d: must have dtype bfloat16, got float32"), std::string::npos);
  }
  {
    Normal g;
    g.a = TensorView::contiguous(bytes, DType::e4m3, {g.m, g.k, 1});
    EXPECT_NE(g.call().find("a: must have 2 dimensions"), std::string::npos);
  }
  {
    Normal g;
    g.a.device = -3;  // neither an ordinal nor kManagedMemory / kDeviceUnknown
    EXPECT_NE(g.call().find("a: device must be a device ordinal (>= 0), kManagedMemory (-2) or kDeviceUnknown"),
              std::string::npos);
  }
}

TEST(PublicApi, SettingsAndHelpersRejectBadValues) {
  EXPECT_NE(error_of([] { fp8gemm::set_num_sms(-1); }).find("num_sms: must be >= 0"), std::string::npos);
  EXPECT_NE(error_of([] { fp8gemm::get_tma_aligned_size(5, 3); }).find("element_size: must divide 16"),
            std::string::npos);
  EXPECT_NE(error_of([] { fp8gemm::get_tma_aligned_size(-1, 4); }).find("x: must be >= 0"), std::string::npos);
  EXPECT_NE(error_of([] { TensorView::contiguous(bytes, DType::f32, {1, 2, 3, 4}); }).find("at most 3 dimensions"),
            std::string::npos);
  EXPECT_EQ(fp8gemm::get_tma_aligned_size(5, 4), 8);
  EXPECT_EQ(fp8gemm::get_m_alignment_for_contiguous_layout(), 128);
  fp8gemm::set_num_sms(0);
}

}  // namespace
