// Issue 6: host time of a warm fp8_gemm_nt call against a bare launch of an empty kernel with the same
// parameters, in one process, alternating, on a problem whose kernel (~3 us) the GPU runs faster than
// the host enqueues (so no launch waits on a full queue).
#include <cuda_runtime_api.h>
#include <algorithm>
#include <cstdio>
#include <vector>
#include "fp8gemm/fp8gemm.hpp"
#include "support/timing.hpp"
using namespace fp8gemm;
int main() {
  const int64_t M = 64, N = 256, K = 256;
  void *a, *sa, *b, *sb, *d;
  cudaMalloc(&a, M * K); cudaMalloc(&sa, M * 2 * 4); cudaMalloc(&b, N * K); cudaMalloc(&sb, 16); cudaMalloc(&d, M * N * 2);
  cudaMemset(a, 0, M * K); cudaMemset(b, 0, N * K); cudaMemset(sa, 0, M * 8); cudaMemset(sb, 0, 16);
  cudaStream_t stream; cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  auto view = [](void* p, DType t, std::vector<int64_t> shape, std::vector<int64_t> stride, int dev) {
    TensorView v; v.data = p; v.dtype = t; v.ndim = static_cast<int>(shape.size());
    for (int i = 0; i < v.ndim; ++i) { v.shape[i] = shape[i]; v.stride[i] = stride[i]; }
    v.device = dev; return v;
  };
  int dev = 0; cudaGetDevice(&dev);
  std::vector<double> bare, given, queried;
  for (int round = 0; round < 15; ++round) {
    for (int which : {0, 1, 2}) {
      const int device = which == 1 ? dev : kDeviceUnknown;
      TensorView A = view(a, DType::e4m3, {M, K}, {K, 1}, device), SA = view(sa, DType::f32, {M, 2}, {1, M}, device),
                 B = view(b, DType::e4m3, {N, K}, {K, 1}, device), SB = view(sb, DType::f32, {2, 2}, {2, 1}, device),
                 D = view(d, DType::bf16, {M, N}, {N, 1}, device);
      auto call = [&] { fp8_gemm_nt(A, SA, B, SB, D, reinterpret_cast<Stream>(stream)); };
      for (int i = 0; i < 3; ++i) call();
      if (which == 0) bare.push_back(support::time_bare_launch_us(stream, 200));
      else (which == 1 ? given : queried).push_back(support::time_host_call_us(call, stream, 200));
    }
  }
  auto med = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
  std::printf("host us per call, median of 15 rounds of 200 back-to-back calls (M=64 N=256 K=256):\n"
              "  bare launch (empty kernel, our parameters): %.2f\n  fp8_gemm_nt, device given: %.2f\n"
              "  fp8_gemm_nt, device queried: %.2f\n", med(bare), med(given), med(queried));
  std::printf("  rounds bare:"); for (double x : bare) std::printf(" %.2f", x);
  std::printf("\n  rounds given:"); for (double x : given) std::printf(" %.2f", x);
  std::printf("\n  rounds queried:"); for (double x : queried) std::printf(" %.2f", x);
  std::printf("\n");
  return 0;
}
