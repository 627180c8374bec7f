// Kernel timing: CUDA events around each launch, the L2 cache flushed before each one (so every run reads
// its operands from HBM, as in a model where other layers evict them), the median of many runs.
#pragma once

#include <functional>
#include <vector>

#include "support/device_buffer.hpp"

struct CUstream_st;

namespace fp8gemm::support {

class L2Flusher {
 public:
  // Writes a buffer of twice the L2 size, which evicts everything an earlier launch left there.
  explicit L2Flusher(int l2_bytes);
  void flush(CUstream_st* stream) const;

 private:
  DeviceBuffer buffer_;
};

// The middle value (the mean of the two middle ones for an even count); 0 for none.
double median(std::vector<double> values);

struct Timing {
  double median_us = 0;
  double min_us = 0;
  int iters = 0;
};

// `warmup` untimed launches, then `iters` timed ones, each after an L2 flush.
Timing time_launches(const std::function<void()>& launch, CUstream_st* stream, int iters, const L2Flusher& flusher,
                     int warmup = 3);

// Several kernels timed in turn: each of the `iters` rounds runs every launch once (each after an L2
// flush), so that all of them see the same clocks. Long runs of one kernel heat the GPU and lower its
// clock under the power limit; timing one kernel's runs and then another's would favour the first.
std::vector<Timing> time_launches_interleaved(const std::vector<std::function<void()>>& launches, CUstream_st* stream,
                                              int iters, const L2Flusher& flusher, int warmup = 3);

// Wall-clock microseconds of one launch including everything the host does before it (for the first
// call: the JIT compile or the disk-cache load), up to the end of the kernel.
double time_first_call_us(const std::function<void()>& launch, CUstream_st* stream);

// Host time of one call in steady state (argument checks, config lookup, descriptors, enqueue): the wall
// time of `calls` back-to-back calls with no synchronisation between them, divided by `calls`.
double time_host_call_us(const std::function<void()>& launch, CUstream_st* stream, int calls);

// The floor under time_host_call_us: the host time of one launch through cuLaunchKernelEx (the driver
// call our entry points end in) of an empty kernel that takes our kernel's parameters (three tensor maps
// and GemmParams) with the same launch attribute and block shape, measured the same way (`calls`
// back-to-back launches after a few untimed ones). Loads the kernel from PTX in the current context and
// unloads it afterwards. What "host us" adds to it is fp8gemm's own work.
double time_bare_launch_us(CUstream_st* stream, int calls);

}  // namespace fp8gemm::support
