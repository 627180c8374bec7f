// Measurements behind `fp8gemm bench`: for one problem, our kernel (first call including the JIT, then
// the median of many L2-flushed runs, its diff against the reference and its guard bands) beside the
// cuBLASLt baselines (block-scaled FP8 with its own diff, per-tensor FP8, BF16). Grouped problems are
// compared with a loop of per-group block-scaled cuBLASLt calls, timed as a whole.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>
#include <memory>
#include <string>

#include "fp8gemm/fp8gemm.hpp"
#include "support/clock_sampler.hpp"
#include "support/cublaslt_baselines.hpp"
#include "support/problems.hpp"
#include "support/suites.hpp"
#include "support/timing.hpp"
#include "support/verify.hpp"

namespace fp8gemm::support {

// Back-to-back calls behind "host us" (time_host_call_us), ours and the bare launch beside it.
constexpr int kHostCalls = 50;

struct Measurement {
  bool ran = false;     // false: refused or failed, `note` says why (or not measured, note empty)
  std::string note;
  double median_us = 0, min_us = 0;
  double diff = -1;     // against the reference; -1 where not computed
};

// One kernel configuration forced through FP8GEMM_CONFIG (BLOCK_M,BLOCK_N,STAGES,CLUSTER), timed in turn
// with the heuristic's choice and cuBLASLt.
struct ConfigMeasurement {
  std::string config;
  Measurement m;
  std::string correctness;  // empty when its output passed (diff, guards)
};

struct BenchResult {
  std::string layout;   // normal, contiguous, masked
  int64_t groups = 1;   // 1 for normal
  int64_t rows = 0;     // rows per group (normal: M; masked: max_m = masked_m)
  int64_t m = 0;        // real rows in total
  int64_t n = 0, k = 0;
  std::string sa_layout;
  double flops = 0;     // 2 * m * n * k
  double bytes = 0;     // A, B, D and the scales, each once
  double first_call_us = 0;
  double host_call_us = 0;  // host time of one call once warm (repeat use), each tensor's device given
  double host_call_queried_us = 0;  // the same with TensorView::device unknown: a driver query per tensor
  std::string correctness;  // empty when our output passed (diff, guards)
  Measurement ours, lt_block_scaled, lt_per_tensor, lt_bf16;
  std::vector<ConfigMeasurement> forced;  // Benchmark's `configs`, in order
  ClockReading clock;  // while ours, cuBLASLt block-scaled and the forced configs ran in turn

  double tflops(const Measurement& x) const { return x.ran ? flops / x.median_us * 1e-6 : 0; }
  double gbps(const Measurement& x) const { return x.ran ? bytes / x.median_us * 1e-3 : 0; }
};

class Benchmark {
 public:
  // `configs`: kernel configurations (FP8GEMM_CONFIG values) to time beside the heuristic's choice, for
  // tuning it; each is checked against the reference like ours, and one a shape cannot run is noted.
  // `clocks`: samples the SM clock and power while each problem's kernels are timed in turn (optional).
  Benchmark(Stream stream, int iters, bool baselines, ScaleLayout sa_layout, std::vector<std::string> configs = {},
            ClockSampler* clocks = nullptr);
  ~Benchmark();

  BenchResult normal(const NormalShape& shape, uint64_t seed);
  BenchResult contiguous(const ContiguousShape& shape, uint64_t seed);
  BenchResult masked(const MaskedShape& shape, uint64_t seed);

 private:
  struct Slice;
  BenchResult measure(BenchResult result, const Activations& a, const Weights& b, const GuardedOutput& d,
                      const std::vector<Slice>& slices, const std::function<void(int device)>& run_ours);
  void dense_baselines(BenchResult& result, const Activations& a, const Weights& b);

  // Timed as most callers run: D contiguous.
  Layouts layouts() const { return {sa_layout_, OutputLayout::contiguous}; }

  Stream stream_;
  int iters_;
  bool baselines_;
  ScaleLayout sa_layout_;
  std::vector<std::string> configs_;
  ClockSampler* clocks_;
  std::unique_ptr<L2Flusher> flusher_;
  std::unique_ptr<GpuReference> reference_;
  std::unique_ptr<LtContext> lt_;
};

}  // namespace fp8gemm::support
