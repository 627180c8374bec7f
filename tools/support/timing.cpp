#include "support/timing.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../kernels/fp8gemm/params.h"
#include "runtime/driver.hpp"
#include "runtime/launch.hpp"
#include "support/cuda_check.hpp"

namespace fp8gemm::support {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t h = values.size() / 2;
  return values.size() % 2 == 1 ? values[h] : 0.5 * (values[h - 1] + values[h]);
}

L2Flusher::L2Flusher(int l2_bytes) : buffer_(static_cast<size_t>(std::max(l2_bytes, 1 << 20)) * 2) {}

void L2Flusher::flush(CUstream_st* stream) const {
  FP8GEMM_CUDA_CHECK(cudaMemsetAsync(buffer_.get(), 0, buffer_.bytes(), stream));
}

namespace {
// Events are created once per timing and destroyed even when a launch throws.
struct EventPairs {
  std::vector<cudaEvent_t> events;
  explicit EventPairs(int pairs) : events(static_cast<size_t>(2 * pairs), nullptr) {
    for (auto& e : events) FP8GEMM_CUDA_CHECK(cudaEventCreate(&e));
  }
  ~EventPairs() {
    for (auto e : events)
      if (e != nullptr) cudaEventDestroy(e);
  }
};
}  // namespace

std::vector<Timing> time_launches_interleaved(const std::vector<std::function<void()>>& launches, CUstream_st* stream,
                                              int iters, const L2Flusher& flusher, int warmup) {
  if (iters < 1) throw std::invalid_argument("time_launches: iters must be >= 1");
  const size_t kinds = launches.size();
  for (int i = 0; i < warmup; ++i)
    for (const auto& launch : launches) launch();
  EventPairs pairs(iters * static_cast<int>(kinds));
  for (int i = 0; i < iters; ++i) {
    for (size_t j = 0; j < kinds; ++j) {
      const size_t e = 2 * (static_cast<size_t>(i) * kinds + j);
      flusher.flush(stream);
      FP8GEMM_CUDA_CHECK(cudaEventRecord(pairs.events[e], stream));
      launches[j]();
      FP8GEMM_CUDA_CHECK(cudaEventRecord(pairs.events[e + 1], stream));
    }
  }
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<Timing> out(kinds);
  for (size_t j = 0; j < kinds; ++j) {
    std::vector<double> us(static_cast<size_t>(iters));
    for (int i = 0; i < iters; ++i) {
      const size_t e = 2 * (static_cast<size_t>(i) * kinds + j);
      float ms = 0;
      FP8GEMM_CUDA_CHECK(cudaEventElapsedTime(&ms, pairs.events[e], pairs.events[e + 1]));
      us[static_cast<size_t>(i)] = ms * 1000.0;
    }
    out[j].iters = iters;
    out[j].min_us = *std::min_element(us.begin(), us.end());
    out[j].median_us = median(std::move(us));
  }
  return out;
}

Timing time_launches(const std::function<void()>& launch, CUstream_st* stream, int iters, const L2Flusher& flusher,
                     int warmup) {
  return time_launches_interleaved({launch}, stream, iters, flusher, warmup).front();
}

double time_first_call_us(const std::function<void()>& launch, CUstream_st* stream) {
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  const auto start = std::chrono::steady_clock::now();
  launch();
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

double time_host_call_us(const std::function<void()>& launch, CUstream_st* stream, int calls) {
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) launch();
  const auto end = std::chrono::steady_clock::now();
  FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream));
  return std::chrono::duration<double, std::micro>(end - start).count() / calls;
}

namespace {
// The empty kernel as PTX (the tools are built without nvcc); the driver compiles it at module load.
// PTX ISA 7.8 is the first with sm_90, so any driver that runs our kernels takes it. Its parameters are
// our kernel's: three 128-byte tensor maps and GemmParams, since the host cost of a launch grows with
// the bytes of parameters the driver copies.
std::string empty_kernel_ptx() {
  return ".version 7.8\n"
         ".target sm_90\n"
         ".address_size 64\n"
         ".visible .entry fp8gemm_empty_kernel(.param .align 64 .b8 tma_a[128], .param .align 64 .b8 tma_b[128],\n"
         "    .param .align 64 .b8 tma_d[128], .param .align 8 .b8 params[" +
         std::to_string(sizeof(GemmParams)) +
         "])\n"
         "{\n"
         "  ret;\n"
         "}\n";
}

// The module, unloaded even when a launch throws.
struct EmptyKernelModule {
  CUmodule module = nullptr;
  EmptyKernelModule() {
    runtime::current_context();  // the context the CUDA runtime made current, or device 0's primary one
    const std::string ptx = empty_kernel_ptx();
    runtime::check(runtime::driver().ModuleLoadData(&module, ptx.c_str()), "cuModuleLoadData (empty kernel)");
  }
  ~EmptyKernelModule() {
    if (module != nullptr) runtime::driver().ModuleUnload(module);
  }
  EmptyKernelModule(const EmptyKernelModule&) = delete;
  EmptyKernelModule& operator=(const EmptyKernelModule&) = delete;
};
}  // namespace

double time_bare_launch_us(CUstream_st* stream, int calls) {
  const runtime::Driver& d = runtime::driver();
  const EmptyKernelModule empty;
  CUfunction kernel = nullptr;
  runtime::check(d.ModuleGetFunction(&kernel, empty.module, "fp8gemm_empty_kernel"),
                 "cuModuleGetFunction (empty kernel)");
  // As our launches are: a cluster-dimension attribute (here 1) and one block per SM of 384 threads.
  int device = 0, sms = 0;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
  FP8GEMM_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  CUlaunchAttribute cluster;
  const CUlaunchConfig config =
      runtime::cluster_launch_config(static_cast<unsigned>(sms), 384, 0, 1, reinterpret_cast<CUstream>(stream), cluster);
  alignas(64) CUtensorMap maps[3] = {};
  GemmParams params{};
  void* args[] = {&maps[0], &maps[1], &maps[2], &params};
  const std::function<void()> launch = [&] {
    runtime::check(d.LaunchKernelEx(&config, kernel, args, nullptr), "cuLaunchKernelEx (empty kernel)");
  };
  for (int i = 0; i < 3; ++i) launch();  // untimed, as our first call is
  return time_host_call_us(launch, stream, calls);  // which waits for the launches: the module can go
}

}  // namespace fp8gemm::support
