// Experiment 79 (session 16): a warm call's host time after the context query became one driver call.
// current_context_info() asked cuCtxGetCurrent and then cuCtxGetId(context); cuCtxGetId(NULL) answers
// for the current context by itself. In one process, alternating rounds:
//   old query   cuCtxGetCurrent + cuCtxGetId(ctx), 2000 back to back (no launch)
//   new query   cuCtxGetId(NULL), 2000 back to back
//   info        runtime::current_context_info() as the library now calls it
//   bare        an empty kernel with our kernel's parameters, 200 back-to-back launches
//   warm call   fp8_gemm_nt with every device given, 200 back to back (M N K on the command line,
//               default 64 256 256: a kernel shorter than the host's enqueue, so no launch waits)
// Build (device machine, after scripts/gpu-check has built build-gpu):
//   /usr/bin/g++ -std=c++20 -O2 -I src -I include -I kernels -I tools -I /usr/local/cuda/include \
//     bench/results/experiments-2026-11-26/79-warm-call-context.cpp -o /tmp/e79 -Lbuild-gpu/tools \
//     -lfp8gemm_support -Lbuild-gpu/src -lfp8gemm -Wl,-rpath,$PWD/build-gpu/src -L/usr/local/cuda/lib64 \
//     -lcudart -lcublasLt -lcublas -lcuda -pthread
#include <cuda.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "runtime/device.hpp"
#include "support/timing.hpp"

using namespace fp8gemm;

namespace {

template <class F>
double ns_per_call(F&& f, int calls) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) f();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / calls;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t M = argc > 3 ? std::atoll(argv[1]) : 64, N = argc > 3 ? std::atoll(argv[2]) : 256,
                K = argc > 3 ? std::atoll(argv[3]) : 256;
  const int64_t kb = (K + 127) / 128, nb = (N + 127) / 128;
  void *a, *sa, *b, *sb, *d;
  cudaMalloc(&a, M * K);
  cudaMalloc(&sa, M * kb * 4);
  cudaMalloc(&b, N * K);
  cudaMalloc(&sb, nb * kb * 4);
  cudaMalloc(&d, M * N * 2);
  cudaMemset(a, 0, M * K);
  cudaMemset(b, 0, N * K);
  cudaMemset(sa, 0, M * kb * 4);
  cudaMemset(sb, 0, nb * kb * 4);
  cudaStream_t stream;
  cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  int dev = 0;
  cudaGetDevice(&dev);
  auto view = [&](void* p, DType t, std::vector<int64_t> shape, std::vector<int64_t> stride) {
    TensorView v;
    v.data = p;
    v.dtype = t;
    v.ndim = static_cast<int>(shape.size());
    for (int i = 0; i < v.ndim; ++i) v.shape[i] = shape[i], v.stride[i] = stride[i];
    v.device = dev;
    return v;
  };
  const TensorView va = view(a, DType::e4m3, {M, K}, {K, 1}), vsa = view(sa, DType::f32, {M, kb}, {1, M}),
                   vb = view(b, DType::e4m3, {N, K}, {K, 1}), vsb = view(sb, DType::f32, {nb, kb}, {kb, 1}),
                   vd = view(d, DType::bf16, {M, N}, {N, 1});
  auto call = [&] { fp8_gemm_nt(va, vsa, vb, vsb, vd, reinterpret_cast<Stream>(stream)); };
  call();  // compiles (or loads) the kernel
  cudaStreamSynchronize(stream);

  std::vector<double> old_query, new_query, info, bare, warm;
  volatile unsigned long long sink = 0;
  for (int round = 0; round < 15; ++round) {
    old_query.push_back(ns_per_call([&] {
      CUcontext ctx = nullptr;
      unsigned long long id = 0;
      cuCtxGetCurrent(&ctx);
      cuCtxGetId(ctx, &id);
      sink = id;
    }, 2000));
    new_query.push_back(ns_per_call([&] {
      unsigned long long id = 0;
      cuCtxGetId(nullptr, &id);
      sink = id;
    }, 2000));
    info.push_back(ns_per_call([&] { sink = runtime::current_context_info().id; }, 2000));
    bare.push_back(support::time_bare_launch_us(stream, 200));
    warm.push_back(support::time_host_call_us(call, stream, 200));
  }
  std::printf("M=%lld N=%lld K=%lld, medians of 15 alternating rounds\n", static_cast<long long>(M),
              static_cast<long long>(N), static_cast<long long>(K));
  std::printf("  old query (cuCtxGetCurrent + cuCtxGetId)  %6.1f ns\n", median(old_query));
  std::printf("  new query (cuCtxGetId(NULL))              %6.1f ns\n", median(new_query));
  std::printf("  runtime::current_context_info()           %6.1f ns\n", median(info));
  std::printf("  bare launch                               %6.3f us\n", median(bare));
  std::printf("  warm call (fp8_gemm_nt, devices given)    %6.3f us  (warm - bare %+.3f us)\n", median(warm),
              median(warm) - median(bare));
  return 0;
}
