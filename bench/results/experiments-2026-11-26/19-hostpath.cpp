// Experiment 19: fp8gemm's own host work per warm call, without a GPU: fp8_gemm_nt (and the grouped
// entry points) called in a loop against the stand-in driver of 19-fake-libcuda.cpp, whose entry points
// cost a few ns. Tensors are fake addresses with their device given (as the Python package passes them).
//   g++ -std=c++20 -O2 -g -I include 19-hostpath.cpp -o /tmp/hostpath -Lbuild/src -lfp8gemm -Wl,-rpath,$PWD/build/src
//   FP8GEMM_LIBCUDA=/tmp/libfakecuda.so /tmp/hostpath [M N K]  (then perf record -g the same for where it goes)
// M N K default to 64 256 256. The addresses are 1 MiB apart whatever the shape: nothing is read there.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"

using fp8gemm::DType;
using fp8gemm::TensorView;

TensorView view(uintptr_t address, DType dtype, std::initializer_list<int64_t> shape) {
  TensorView t = TensorView::contiguous(reinterpret_cast<void*>(address), dtype, shape);
  t.device = 0;
  return t;
}

template <class F>
double ns_per_call(F&& call, int calls) {
  std::vector<double> rounds;
  for (int r = 0; r < 15; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) call();
    rounds.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / calls);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[rounds.size() / 2];
}

int main(int argc, char** argv) {
  const bool shape_given = argc == 4;
  const int64_t m = shape_given ? std::atoll(argv[1]) : 64, n = shape_given ? std::atoll(argv[2]) : 256,
                k = shape_given ? std::atoll(argv[3]) : 256, g = 4;
  const uintptr_t base = uintptr_t{1} << 40;  // 16-byte aligned fake device addresses
  const TensorView a = view(base, DType::e4m3, {m, k}), sa = view(base + 0x100000, DType::f32, {m, k / 128});
  const TensorView b = view(base + 0x200000, DType::e4m3, {n, k}), sb = view(base + 0x300000, DType::f32, {n / 128, k / 128});
  const TensorView d = view(base + 0x400000, DType::bf16, {m, n});
  const TensorView bg = view(base + 0x500000, DType::e4m3, {g, n, k});
  const TensorView sbg = view(base + 0x600000, DType::f32, {g, n / 128, k / 128});
  const TensorView indices = view(base + 0x700000, DType::i32, {m});
  const TensorView am = view(base + 0x800000, DType::e4m3, {g, m, k}), sam = view(base + 0x900000, DType::f32, {g, m, k / 128});
  const TensorView dm = view(base + 0xa00000, DType::bf16, {g, m, n});
  const TensorView masked = view(base + 0xb00000, DType::i32, {g});

  auto normal = [&] { fp8gemm::fp8_gemm_nt(a, sa, b, sb, d); };
  auto contiguous = [&] { fp8gemm::m_grouped_fp8_gemm_nt_contiguous(a, sa, bg, sbg, d, indices); };
  auto masked_call = [&] { fp8gemm::m_grouped_fp8_gemm_nt_masked(am, sam, bg, sbg, dm, masked, m); };
  normal(), contiguous(), masked_call();  // compile (or load) the kernels
  const int calls = 200000;
  std::printf("ns per warm call, median of 15 rounds of %d (M=%lld N=%lld K=%lld, G=%lld), stand-in driver:\n", calls,
              static_cast<long long>(m), static_cast<long long>(n), static_cast<long long>(k),
              static_cast<long long>(g));
  std::printf("  fp8_gemm_nt                       %.0f\n", ns_per_call(normal, calls));
  std::printf("  m_grouped_fp8_gemm_nt_contiguous  %.0f\n", ns_per_call(contiguous, calls));
  std::printf("  m_grouped_fp8_gemm_nt_masked      %.0f\n", ns_per_call(masked_call, calls));
}
