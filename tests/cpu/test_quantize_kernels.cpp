// The quantization kernels without a GPU: every variant the library may launch compiles through NVRTC
// for sm_90a without spilling, and the entry points refuse bad shapes and dtypes with a message naming
// the argument (checks that come before any device is looked at).
#include <elf.h>

#include <cstring>
#include <set>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/compiler.hpp"
#include "jit/quantize_source.hpp"
#include "jit_sandbox.hpp"

namespace fp8gemm::testing {
namespace {

TEST(QuantizeKernels, EveryVariantCompilesForSm90a) {
  unsetenv("FP8GEMM_KERNELS_DIR");  // the real kernel sources
  unsetenv("FP8GEMM_COMPILER");
  const std::vector<jit::QuantizeVariant> variants = jit::quantize_variants();
  EXPECT_EQ(variants.size(), 12u);  // 2 kinds x 3 input dtypes x vector/scalar
  std::set<std::string> names;
  for (const jit::QuantizeVariant& v : variants) {
    const std::string name = jit::quantize_kernel_name(v);
    EXPECT_TRUE(names.insert(name).second) << "two variants are named " << name;
    const std::string source = jit::quantize_kernel_source(v);
    EXPECT_NE(source.find(name + "("), std::string::npos) << source;
    jit::CompileResult r;
    ASSERT_NO_THROW(r = jit::compile(source, "sm_90a")) << name;
    ASSERT_GE(r.cubin.size(), sizeof(Elf64_Ehdr)) << name;
    Elf64_Ehdr header;
    std::memcpy(&header, r.cubin.data(), sizeof header);
    EXPECT_EQ(header.e_machine, EM_CUDA) << name;
    // NVRTC reports nothing for clean code; a warning (an unused value, a narrowing) is a bug here.
    EXPECT_EQ(r.log.find("warning"), std::string::npos) << name << ":\n" << r.log;
  }
}

TEST(QuantizeKernels, NamesSayKindDtypeAndAccess) {
  EXPECT_EQ(jit::quantize_kernel_name({jit::QuantizeKind::per_token, DType::bf16, true}),
            "fp8gemm_quantize_per_token_bf16_vector");
  EXPECT_EQ(jit::quantize_kernel_name({jit::QuantizeKind::per_block, DType::f32, false}),
            "fp8gemm_quantize_per_block_f32_scalar");
  EXPECT_NE(error_of([] { jit::quantize_kernel_name({jit::QuantizeKind::per_token, DType::i32, true}); })
                .find("int32"),
            std::string::npos);
}

// Views over a fake address: these checks fail before anything touches the memory or the driver.
void* const kFake = reinterpret_cast<void*>(uintptr_t{1} << 20);

TensorView view(DType dtype, std::initializer_list<int64_t> shape) { return TensorView::contiguous(kFake, dtype, shape); }

// [rows, cols] with the given strides.
TensorView strided(DType dtype, int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride) {
  TensorView t = view(dtype, {rows, cols});
  t.stride[0] = row_stride;
  t.stride[1] = col_stride;
  return t;
}

void expect_error(const std::function<void()>& call, const std::string& expected) {
  const std::string err = error_of(call);
  EXPECT_EQ(err.rfind(expected, 0), 0u) << "expected \"" << expected << "...\", got \"" << err << "\"";
}

TEST(QuantizeArguments, PerTokenRulesNameTheArgument) {
  const TensorView q = view(DType::e4m3, {4, 200}), sa = strided(DType::f32, 4, 2, 1, 4);
  auto cast = [](TensorView x, TensorView q, TensorView s) { return [=] { per_token_cast_to_fp8(x, q, s); }; };
  expect_error(cast(view(DType::bf16, {800}), q, sa), "x: must have 2 or 3 dimensions, [M, K] or [G, M, K], got [800]");
  expect_error(cast(view(DType::i32, {4, 200}), q, sa), "x: must have dtype bfloat16, float16 or float32, got int32");
  expect_error(cast(view(DType::e4m3, {4, 200}), q, sa), "x: must have dtype bfloat16, float16 or float32");
  expect_error(cast(strided(DType::bf16, 4, 200, 1, 4), q, sa), "x: must be contiguous in its last dimension");
  expect_error(cast(view(DType::bf16, {4, 200}), view(DType::bf16, {4, 200}), sa), "q: must have dtype float8_e4m3fn");
  expect_error(cast(view(DType::bf16, {4, 200}), view(DType::e4m3, {4, 256}), sa),
               "q: must have shape [M, K] = [4, 200], got [4, 256]");
  expect_error(cast(view(DType::f32, {4, 200}), q, view(DType::f32, {4, 1})),
               "scales: must have shape [M, ceil(K/128)] = [4, 2], got [4, 1]");
  expect_error(cast(view(DType::f32, {4, 200}), q, view(DType::bf16, {4, 2})), "scales: must have dtype float32");
  expect_error(cast(view(DType::f32, {4, 200}), q, strided(DType::f32, 4, 2, 2, 2)),
               "scales: must be MN-major (stride 1 over rows) or row-major");
  expect_error(cast(view(DType::f16, {3, 4, 200}), view(DType::e4m3, {3, 4, 200}), view(DType::f32, {3, 4, 1})),
               "scales: must have shape [G, M, ceil(K/128)] = [3, 4, 2], got [3, 4, 1]");
  TensorView overlapping = view(DType::f32, {3, 4, 2});
  overlapping.stride[0] = 4;  // MN-major groups need 2 * 4 floats each
  overlapping.stride[1] = 1;
  overlapping.stride[2] = 4;
  expect_error(cast(view(DType::f16, {3, 4, 200}), view(DType::e4m3, {3, 4, 200}), overlapping),
               "scales: the groups must not overlap: stride[0] must be at least 8, got 4");
  TensorView misaligned = view(DType::f32, {4, 200});
  misaligned.data = static_cast<char*>(kFake) + 2;
  expect_error(cast(misaligned, q, sa), "x: data pointer must be aligned to 4 bytes");
}

TEST(QuantizeArguments, PerBlockRulesNameTheArgument) {
  auto cast = [](TensorView w, TensorView q, TensorView s) { return [=] { per_block_cast_to_fp8(w, q, s); }; };
  expect_error(cast(view(DType::bf16, {640}), view(DType::e4m3, {5, 128}), view(DType::f32, {1, 1})),
               "w: must have 2 or 3 dimensions, [N, K] or [G, N, K], got [640]");
  expect_error(cast(view(DType::bf16, {300, 200}), view(DType::e4m3, {300, 200}), view(DType::f32, {300, 2})),
               "scales: must have shape [ceil(N/128), ceil(K/128)] = [3, 2], got [300, 2]");
  expect_error(cast(view(DType::bf16, {2, 300, 200}), view(DType::e4m3, {300, 200}), view(DType::f32, {2, 3, 2})),
               "q: must have shape [G, N, K] = [2, 300, 200], got [300, 200]");
  expect_error(cast(view(DType::bf16, {65536 * 128, 16}), view(DType::e4m3, {65536 * 128, 16}),
                    view(DType::f32, {65536, 1})),
               "w: N must be at most 8388480");
}

}  // namespace
}  // namespace fp8gemm::testing
