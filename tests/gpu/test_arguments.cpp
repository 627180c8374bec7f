// Bad arguments on a real GPU: every rule broken gets an fp8gemm::Error that names the argument, and
// nothing is launched (D keeps its poison).
#include <functional>
#include <string>
#include <vector>

#include "gpu_test.hpp"
#include "support/forced_config.hpp"

namespace fp8gemm::testing {
namespace {

using support::ScaleLayout;
using support::OutputLayout;

class BadArguments : public GpuTest {
 protected:
  // Expects `call` to throw fp8gemm::Error mentioning `argument`, and `d` to stay untouched.
  void expect_rejected(const std::function<void()>& call, const std::string& argument,
                       const support::GuardedOutput& d, const std::string& what) {
    d.poison(stream());
    try {
      call();
      ADD_FAILURE() << what << ": no fp8gemm::Error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(argument), std::string::npos)
          << what << ": the message does not name " << argument << ": " << e.what();
    }
    FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
    std::string failure;
    const std::vector<uint16_t> values = d.download();
    EXPECT_TRUE(support::rows_untouched(values, d.cols(), 0, d.rows(), &failure)) << what << ": " << failure;
  }
};

// A malformed or unsupported FP8GEMM_CONFIG is an error naming the variable, and nothing runs. Among the
// unsupported: K-block overlap on a one-part tile wider than 128 (it would spill), and a 256-wide
// tile with 5 stages (more shared memory than the device has).
TEST_F(BadArguments, ForcedConfigIsChecked) {
  const support::NormalProblem p = support::make_normal_problem(128, 512, 256, {ScaleLayout::mn_major, OutputLayout::contiguous}, 2);
  for (const char* config : {"128,256,4,1,", "128,256,4", "128,256,4,1,2,3,4", "128,256,4,1x", "128,256,4,1,-1",
                             "128,256,4,1,9", "128,256,1,1,2", "96,256,4,1", "128,136,4,1,2", "64,160,4,1,4",
                             "128,256,5,1", "128,256,4,1,0,0", "128,256,4,1,0,-2"}) {
    const support::ForcedConfig forced(config);
    expect_rejected([&] { p.run(stream()); }, "FP8GEMM_CONFIG", p.d_buffer, config);
  }
}

TEST_F(BadArguments, NormalGemm) {
  const support::NormalProblem p = support::make_normal_problem(128, 256, 256, {ScaleLayout::row_major, OutputLayout::contiguous}, 1);
  std::vector<uint8_t> host_a(128 * 256);
  struct Case {
    std::string what, argument;
    std::function<void(TensorView& a, TensorView& sa, TensorView& b, TensorView& sb, TensorView& d)> edit;
  };
  const std::vector<Case> cases = {
      {"a is float32", "a", [](auto& a, auto&, auto&, auto&, auto&) { a.dtype = DType::f32; }},
      {"sa is bf16", "sa", [](auto&, auto& sa, auto&, auto&, auto&) { sa.dtype = DType::bf16; }},
      {"b is int32", "b", [](auto&, auto&, auto& b, auto&, auto&) { b.dtype = DType::i32; }},
      {"sb is e4m3", "sb", [](auto&, auto&, auto&, auto& sb, auto&) { sb.dtype = DType::e4m3; }},
      {"d is float32", "d", [](auto&, auto&, auto&, auto&, auto& d) { d.dtype = DType::f32; }},
      {"b's K differs from a's", "b", [](auto&, auto&, auto& b, auto&, auto&) { b.shape[1] = 384; }},
      {"d has the wrong N", "d", [](auto&, auto&, auto&, auto&, auto& d) { d.shape[1] = 128; }},
      {"d has the wrong M", "d", [](auto&, auto&, auto&, auto&, auto& d) { d.shape[0] = 64; }},
      {"sa has too few K blocks", "sa", [](auto&, auto& sa, auto&, auto&, auto&) { sa.shape[1] = 1; }},
      {"sb has too few N blocks", "sb", [](auto&, auto&, auto&, auto& sb, auto&) { sb.shape[0] = 1; }},
      {"N not a multiple of 8", "N",
       [](auto&, auto&, auto& b, auto&, auto& d) { b.shape[0] = 252, d.shape[1] = 252; }},
      {"K not a multiple of 16", "K",
       [](auto& a, auto&, auto& b, auto&, auto&) { a.shape[1] = 248, b.shape[1] = 248; }},
      {"a misaligned", "a",
       [](auto& a, auto&, auto&, auto&, auto&) { a.data = static_cast<char*>(a.data) + 1; }},
      {"a's row stride not a multiple of 16 bytes", "a", [](auto& a, auto&, auto&, auto&, auto&) { a.stride[0] = 264; }},
      {"a not contiguous along K", "a", [](auto& a, auto&, auto&, auto&, auto&) { a.stride[1] = 2; }},
      {"sa in neither layout", "sa",
       [](auto&, auto& sa, auto&, auto&, auto&) { sa.stride[0] = 3, sa.stride[1] = 2; }},
      {"d misaligned", "d", [](auto&, auto&, auto&, auto&, auto& d) { d.data = static_cast<char*>(d.data) + 2; }},
      {"b is 3-D", "b",
       [](auto&, auto&, auto& b, auto&, auto&) {
         b.ndim = 3, b.shape[2] = b.shape[1], b.shape[1] = b.shape[0], b.shape[0] = 1;
         b.stride[2] = 1, b.stride[1] = b.shape[2], b.stride[0] = b.shape[1] * b.shape[2];
       }},
      {"a in host memory", "a",
       [&host_a](auto& a, auto&, auto&, auto&, auto&) { a.data = host_a.data(); }},
      {"sb said to be on another device", "sb",
       [](auto&, auto&, auto&, auto& sb, auto&) {
         int device = 0;
         FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
         sb.device = device + 1;
       }},
      {"d's device field out of range", "d", [](auto&, auto&, auto&, auto&, auto& d) { d.device = -3; }},
  };
  for (const Case& c : cases) {
    TensorView a = p.a.a, sa = p.a.sa, b = p.b.b, sb = p.b.sb, d = p.d;
    c.edit(a, sa, b, sb, d);
    expect_rejected([&] { fp8_gemm_nt(a, sa, b, sb, d, stream()); }, c.argument, p.d_buffer, c.what);
  }
}

// A warm call (the same views, devices given, as a recent call: launched again as prepared, unchecked)
// is recognised by every field: a call that changes any one of them is checked again and rejected, and
// the good call still gives the same bits afterwards.
TEST_F(BadArguments, WarmCallsAreCheckedAgainWhenAnArgumentChanges) {
  const support::NormalProblem p = support::make_normal_problem(128, 256, 256, {ScaleLayout::mn_major, OutputLayout::contiguous}, 3);
  int device = 0;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
  TensorView views[5] = {p.a.a, p.a.sa, p.b.b, p.b.sb, p.d};
  for (TensorView& v : views) v.device = device;
  auto call = [&](const TensorView (&v)[5]) { fp8_gemm_nt(v[0], v[1], v[2], v[3], v[4], stream()); };
  call(views);
  call(views);
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
  const std::vector<uint16_t> good = p.d_buffer.download();
  struct Case {
    std::string what, argument;
    std::function<void(TensorView (&v)[5])> edit;
  };
  const std::vector<Case> cases = {
      {"a is bf16", "a", [](auto& v) { v[0].dtype = DType::bf16; }},
      {"sa has too few K blocks", "sa", [](auto& v) { v[1].shape[1] = 1; }},
      {"b's K differs from a's", "b", [](auto& v) { v[2].shape[1] = 384; }},
      {"sb said to be on another device", "sb", [](auto& v) { v[3].device += 1; }},
      {"d misaligned", "d", [](auto& v) { v[4].data = static_cast<char*>(v[4].data) + 2; }},
      {"d has the wrong N", "d", [](auto& v) { v[4].shape[1] = 128; }},
  };
  for (const Case& c : cases) {
    TensorView edited[5] = {views[0], views[1], views[2], views[3], views[4]};
    c.edit(edited);
    expect_rejected([&] { call(edited); }, c.argument, p.d_buffer, c.what + " (after warm calls)");
  }
  p.d_buffer.poison(stream());
  call(views);
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream()));
  EXPECT_TRUE(p.d_buffer.download() == good) << "the warm call gave other bits after the rejected ones";
}

TEST_F(BadArguments, ContiguousGemm) {
  const support::ContiguousProblem p =
      support::make_contiguous_problem({100, 30}, 256, 512, {ScaleLayout::mn_major, OutputLayout::contiguous}, 2);
  std::vector<int32_t> host_indices(p.m_indices);
  auto call = [&](const TensorView& m_indices, const TensorView& b) {
    return [&, m_indices, b] { m_grouped_fp8_gemm_nt_contiguous(p.a.a, p.a.sa, b, p.b.sb, p.d, m_indices, stream()); };
  };
  TensorView indices = p.m_indices_view;
  indices.dtype = DType::f32;
  expect_rejected(call(indices, p.b.b), "m_indices", p.d_buffer, "m_indices is float32");
  indices = p.m_indices_view;
  indices.shape[0] -= 1;
  expect_rejected(call(indices, p.b.b), "m_indices", p.d_buffer, "m_indices one row short");
  indices = p.m_indices_view;
  indices.data = host_indices.data();
  expect_rejected(call(indices, p.b.b), "m_indices", p.d_buffer, "m_indices in host memory");
  TensorView b2 = p.b.b;
  b2.ndim = 2, b2.shape[0] = p.b.b.shape[1], b2.shape[1] = p.b.b.shape[2], b2.stride[0] = b2.shape[1], b2.stride[1] = 1;
  expect_rejected(call(p.m_indices_view, b2), "b", p.d_buffer, "b without a group dimension");
}

TEST_F(BadArguments, MaskedGemm) {
  const support::MaskedProblem p =
      support::make_masked_problem(3, 64, {10, 64, 0}, 256, 512, {ScaleLayout::mn_major, OutputLayout::contiguous}, 3);
  std::vector<int32_t> host_counts(p.masked_m);
  auto call = [&](const TensorView& masked_m, const TensorView& sb, int64_t expected_m) {
    return [&, masked_m, sb, expected_m] {
      m_grouped_fp8_gemm_nt_masked(p.a.a, p.a.sa, p.b.b, sb, p.d, masked_m, expected_m, stream());
    };
  };
  TensorView counts = p.masked_m_view;
  counts.dtype = DType::f32;
  expect_rejected(call(counts, p.b.sb, 32), "masked_m", p.d_buffer, "masked_m is float32");
  counts = p.masked_m_view;
  counts.shape[0] = 2;
  expect_rejected(call(counts, p.b.sb, 32), "masked_m", p.d_buffer, "masked_m with one group too few");
  counts = p.masked_m_view;
  counts.data = host_counts.data();
  expect_rejected(call(counts, p.b.sb, 32), "masked_m", p.d_buffer, "masked_m in host memory");
  TensorView sb = p.b.sb;
  sb.shape[0] = 2;
  expect_rejected(call(p.masked_m_view, sb, 32), "sb", p.d_buffer, "sb with one group too few");
  expect_rejected(call(p.masked_m_view, p.b.sb, -1), "expected_m", p.d_buffer, "expected_m negative");
}

}  // namespace
}  // namespace fp8gemm::testing
