// Issue 6: where a warm fp8_gemm_nt call's host time goes. In one process, in
// alternating rounds of 200 back-to-back calls (M N K as arguments, default 64 256 256: a kernel the GPU runs faster than the
// host enqueues, so no launch waits on a full queue):
//   bare     an empty kernel with our kernel's parameters (support::time_bare_launch_us)
//   relaunch our own kernel (the config the heuristic picks) launched straight through cuLaunchKernelEx
//            with prepared tensor maps and parameters: the driver's cost for this very kernel
//   given    fp8_gemm_nt with every tensor's device given (as the Python package calls)
//   queried  fp8_gemm_nt with the devices unknown (a driver pointer query per tensor)
//   +encode  (added in session 7) relaunch after encoding the three tensor maps again, as every call does
//   +context (added in session 7) the same after also asking the driver for the current context and its ID
//            (runtime::current_context_info), as every call does
// given - relaunch is fp8gemm's own work per call; relaunch - bare is what this kernel's launch costs the
// driver over an empty one (dynamic shared memory above 48 KiB, 384 threads); +encode and +context split
// off the driver calls inside fp8gemm's work, so given - +context is what is left to the library's own
// code (checks, settings, dispatch, parameters).
// Build (device machine, after scripts/gpu-check has built build-gpu):
//   /usr/bin/g++ -std=c++20 -O2 -I src -I include -I kernels -I tools -I /usr/local/cuda/include \
//     bench/results/experiments-2026-11-25/18-hostcall-breakdown.cpp -o /tmp/breakdown -Lbuild-gpu/tools \
//     -lfp8gemm_support -Lbuild-gpu/src -lfp8gemm -Wl,-rpath,$PWD/build-gpu/src -L/usr/local/cuda/lib64 \
//     -lcudart -lcublasLt -lcublas -pthread
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "heuristics/config.hpp"
#include "jit/kernel.hpp"
#include "jit/kernel_source.hpp"
#include "runtime/device.hpp"
#include "runtime/driver.hpp"
#include "runtime/launch.hpp"
#include "runtime/tma.hpp"
#include "support/timing.hpp"

using namespace fp8gemm;

int main(int argc, char** argv) {
  // The shape: M N K on the command line (session 8), else 64 256 256.
  const int64_t M = argc > 3 ? std::atoll(argv[1]) : 64, N = argc > 3 ? std::atoll(argv[2]) : 256,
                K = argc > 3 ? std::atoll(argv[3]) : 256;
  void *a, *sa, *b, *sb, *d;
  cudaMalloc(&a, M * K);
  cudaMalloc(&sa, M * ((K + 127) / 128) * 4);
  cudaMalloc(&b, N * K);
  cudaMalloc(&sb, ((N + 127) / 128) * ((K + 127) / 128) * 4);
  cudaMalloc(&d, M * N * 2);
  cudaMemset(a, 0, M * K);
  cudaMemset(b, 0, N * K);
  cudaMemset(sa, 0, M * ((K + 127) / 128) * 4);
  cudaMemset(sb, 0, ((N + 127) / 128) * ((K + 127) / 128) * 4);
  cudaStream_t stream;
  cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  int dev = 0, sms = 0, smem = 0;
  cudaGetDevice(&dev);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
  cudaDeviceGetAttribute(&smem, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev);
  auto view = [](void* p, DType t, std::vector<int64_t> shape, std::vector<int64_t> stride, int device) {
    TensorView v;
    v.data = p;
    v.dtype = t;
    v.ndim = static_cast<int>(shape.size());
    for (int i = 0; i < v.ndim; ++i) v.shape[i] = shape[i], v.stride[i] = stride[i];
    v.device = device;
    return v;
  };
  auto views = [&](int device) {
    const int64_t kb = (K + 127) / 128, nb = (N + 127) / 128;
    return std::vector<TensorView>{view(a, DType::e4m3, {M, K}, {K, 1}, device), view(sa, DType::f32, {M, kb}, {1, M}, device),
                                   view(b, DType::e4m3, {N, K}, {K, 1}, device), view(sb, DType::f32, {nb, kb}, {kb, 1}, device),
                                   view(d, DType::bf16, {M, N}, {N, 1}, device)};
  };
  const std::vector<TensorView> given = views(dev), queried = views(kDeviceUnknown);
  auto call = [&](const std::vector<TensorView>& v) {
    fp8_gemm_nt(v[0], v[1], v[2], v[3], v[4], reinterpret_cast<Stream>(stream));
  };
  call(given);  // compiles (or loads) the kernel

  // The same kernel, launched by hand as src/api/gemm.cpp launches it.
  heuristics::DeviceFacts facts;
  facts.num_sms = sms;
  facts.smem_per_block = smem;
  const heuristics::KernelConfig c = heuristics::choose_config({Layout::normal, M, N, K, 1}, facts);
  const CUfunction kernel =
      jit::get_kernel(jit::gemm_kernel_name(c), [&] { return jit::gemm_kernel_source(c); }, c.smem_bytes);
  CUtensorMap tma_a, tma_b, tma_d;
  auto encode = [&] {
    tma_a = runtime::make_fp8_tile_map(a, M, K, K, c.block_m / c.cluster);
    tma_b = runtime::make_fp8_tile_map(b, N, K, K, c.block_n);
    tma_d = c.tma_store() ? runtime::make_bf16_tile_map(d, 1, M, N, N * 2, M * N * 2, 64) : CUtensorMap{};
  };
  encode();
  GemmParams params{};
  params.m = static_cast<int>(M);
  params.groups = 1;
  params.sa = static_cast<const float*>(sa);
  params.sa_stride_m = 1;
  params.sa_stride_k = M;
  params.sb = static_cast<const float*>(sb);
  params.d = d;
  params.d_stride_m = N;
  CUlaunchAttribute cluster;
  const CUlaunchConfig config = runtime::cluster_launch_config(
      static_cast<unsigned>(c.num_sms), static_cast<unsigned>(c.threads()), static_cast<unsigned>(c.smem_bytes),
      static_cast<unsigned>(c.cluster), stream, cluster);
  void* args[] = {&tma_a, &tma_b, &tma_d, &params};
  auto relaunch = [&] { runtime::check(runtime::driver().LaunchKernelEx(&config, kernel, args, nullptr), "relaunch"); };
  relaunch();
  cudaStreamSynchronize(stream);

  std::vector<double> bare, direct, with_encode, with_context, with_device, without_device;
  for (int round = 0; round < 15; ++round) {
    bare.push_back(support::time_bare_launch_us(stream, 200));
    direct.push_back(support::time_host_call_us(relaunch, stream, 200));
    with_encode.push_back(support::time_host_call_us([&] { encode(), relaunch(); }, stream, 200));
    with_context.push_back(support::time_host_call_us(
        [&] { (void)runtime::current_context_info(), encode(), relaunch(); }, stream, 200));
    with_device.push_back(support::time_host_call_us([&] { call(given); }, stream, 200));
    without_device.push_back(support::time_host_call_us([&] { call(queried); }, stream, 200));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("host us per call, median of 15 rounds of 200 back-to-back calls (M=%lld N=%lld K=%lld, %s):\n",
              static_cast<long long>(M), static_cast<long long>(N), static_cast<long long>(K), c.name().c_str());
  std::printf("  bare launch (empty kernel, our parameters) %.2f\n  relaunch of our kernel %.2f\n"
              "  relaunch + three tensor-map encodes %.2f\n  relaunch + encodes + current context %.2f\n"
              "  fp8_gemm_nt, device given %.2f\n  fp8_gemm_nt, device queried %.2f\n",
              median(bare), median(direct), median(with_encode), median(with_context), median(with_device),
              median(without_device));
  return 0;
}
