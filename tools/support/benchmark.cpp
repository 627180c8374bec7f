#include "support/benchmark.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <exception>
#include <map>

#include "support/cuda_check.hpp"
#include "support/device_info.hpp"
#include "support/forced_config.hpp"
#include "support/random_operands.hpp"

namespace fp8gemm::support {

// Rows [row0, row0 + rows) of A and D multiply B[group].
struct Benchmark::Slice {
  int64_t row0, rows, group;
};

namespace {

// Sub-arrays of one float buffer start 256-byte aligned, as cuBLASLt prefers for its operands.
int64_t aligned_floats(int64_t count) { return (count + 63) / 64 * 64; }

// cuBLASLt block-scaled FP8, one call per slice (one for a normal GEMM), writing its own guarded output.
class BlockScaledLoop {
 public:
  BlockScaledLoop(const LtContext& context, const Activations& a, const Weights& b, const std::vector<int64_t>& rows,
                  const std::vector<int64_t>& row0, const std::vector<int64_t>& group, int64_t n, int64_t k,
                  int64_t d_rows)
      : a_(a), b_(b), rows_(rows), row0_(row0), group_(group), n_(n), k_(k), output_(d_rows, n, OutputLayout::contiguous) {
    std::vector<float> activation_scales, weight_scales;
    for (size_t s = 0; s < rows_.size(); ++s) {
      if (rows_[s] == 0) continue;
      auto& gemm = gemms_[rows_[s]];
      if (!gemm) gemm = std::make_unique<LtGemm>(context, LtKind::fp8_block_scaled, rows_[s], n, k);
      if (!gemm->available() && refusal_.empty()) refusal_ = gemm->refusal();
    }
    for (size_t s = 0; s < rows_.size(); ++s) {
      activation_offset_.push_back(static_cast<int64_t>(activation_scales.size()));
      std::vector<float> part = lt_activation_scales(a.host, row0_[s], rows_[s]);
      part.resize(static_cast<size_t>(aligned_floats(static_cast<int64_t>(part.size()))), 0.0f);
      activation_scales.insert(activation_scales.end(), part.begin(), part.end());
    }
    for (const auto& weights : b.host) {
      weight_offset_.push_back(static_cast<int64_t>(weight_scales.size()));
      std::vector<float> part = lt_weight_scales(weights);
      part.resize(static_cast<size_t>(aligned_floats(static_cast<int64_t>(part.size()))), 0.0f);
      weight_scales.insert(weight_scales.end(), part.begin(), part.end());
    }
    activation_scales_ = DeviceBuffer::from(activation_scales);
    weight_scales_ = DeviceBuffer::from(weight_scales);
  }

  const std::string& refusal() const { return refusal_; }
  const GuardedOutput& output() const { return output_; }

  void launch(cudaStream_t stream) const {
    for (size_t s = 0; s < rows_.size(); ++s) {
      if (rows_[s] == 0) continue;
      const cublasStatus_t status = gemms_.at(rows_[s])->run(
          a_.a_buffer.as<uint8_t>() + row0_[s] * k_, b_.b_buffer.as<uint8_t>() + group_[s] * n_ * k_,
          activation_scales_.as<float>() + activation_offset_[s], weight_scales_.as<float>() + weight_offset_[group_[s]],
          output_.data() + row0_[s] * n_, stream);
      if (status != CUBLAS_STATUS_SUCCESS)
        throw CudaError("cuBLASLt refused (matmul: " + cublas_status_name(status) + ")");
    }
  }

 private:
  const Activations& a_;
  const Weights& b_;
  std::vector<int64_t> rows_, row0_, group_;
  int64_t n_, k_;
  GuardedOutput output_;
  std::map<int64_t, std::unique_ptr<LtGemm>> gemms_;  // one per distinct row count
  std::string refusal_;
  DeviceBuffer activation_scales_, weight_scales_;
  std::vector<int64_t> activation_offset_, weight_offset_;
};

void record_timing(Measurement& m, const Timing& t) {
  m.ran = true;
  m.median_us = t.median_us;
  m.min_us = t.min_us;
}

std::vector<uint16_t> to_bf16(const std::vector<double>& values) {
  std::vector<uint16_t> out(values.size());
  std::transform(values.begin(), values.end(), out.begin(),
                 [](double x) { return reference::float_to_bf16(static_cast<float>(x)); });
  return out;
}

}  // namespace

Benchmark::Benchmark(Stream stream, int iters, bool baselines, ScaleLayout sa_layout, std::vector<std::string> configs,
                     ClockSampler* clocks)
    : stream_(stream),
      iters_(iters),
      baselines_(baselines),
      sa_layout_(sa_layout),
      configs_(std::move(configs)),
      clocks_(clocks) {
  flusher_ = std::make_unique<L2Flusher>(current_device_info().l2_bytes);
  reference_ = std::make_unique<GpuReference>();
  if (baselines_) lt_ = std::make_unique<LtContext>();
}

Benchmark::~Benchmark() = default;

static BenchResult describe(const char* layout, int64_t groups, int64_t rows, int64_t m, int64_t n, int64_t k,
                            int64_t weight_groups, ScaleLayout sa_layout) {
  BenchResult r;
  r.layout = layout;
  r.groups = groups, r.rows = rows, r.m = m, r.n = n, r.k = k;
  r.sa_layout = scale_layout_name(sa_layout);
  const int64_t kb = (k + 127) / 128, nb = (n + 127) / 128;
  r.flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  r.bytes = static_cast<double>(m * k + weight_groups * n * k + 2 * m * n + 4 * (m * kb + weight_groups * nb * kb));
  return r;
}

BenchResult Benchmark::normal(const NormalShape& s, uint64_t seed) {
  const NormalProblem p = make_normal_problem(s.m, s.n, s.k, layouts(), seed);
  return measure(describe("normal", 1, s.m, s.m, s.n, s.k, 1, sa_layout_), p.a, p.b, p.d_buffer, {{0, s.m, 0}},
                 [&](int device) { p.run(stream_, device); });
}

BenchResult Benchmark::contiguous(const ContiguousShape& s, uint64_t seed) {
  const ContiguousProblem p = make_contiguous_problem(std::vector<int64_t>(static_cast<size_t>(s.groups), s.rows_per_group),
                                                      s.n, s.k, layouts(), seed);
  std::vector<Slice> slices;
  for (int64_t g = 0; g < s.groups; ++g) slices.push_back({p.segment_begin[static_cast<size_t>(g)], s.rows_per_group, g});
  return measure(describe("contiguous", s.groups, s.rows_per_group, s.groups * s.rows_per_group, s.n, s.k, s.groups,
                          sa_layout_),
                 p.a, p.b, p.d_buffer, slices, [&](int device) { p.run(stream_, device); });
}

BenchResult Benchmark::masked(const MaskedShape& s, uint64_t seed) {
  const MaskedProblem p = make_masked_problem(s.groups, s.max_m,
                                              std::vector<int32_t>(static_cast<size_t>(s.groups), static_cast<int32_t>(s.max_m)),
                                              s.n, s.k, layouts(), seed);
  std::vector<Slice> slices;
  for (int64_t g = 0; g < s.groups; ++g) slices.push_back({g * s.max_m, s.max_m, g});
  return measure(describe("masked", s.groups, s.max_m, s.groups * s.max_m, s.n, s.k, s.groups, sa_layout_), p.a,
                 p.b, p.d_buffer, slices, [&](int device) { p.run(stream_, device); });
}

BenchResult Benchmark::measure(BenchResult result, const Activations& a, const Weights& b, const GuardedOutput& d,
                               const std::vector<Slice>& slices, const std::function<void(int)>& run_ours) {
  // Timed as the Python package calls: every tensor's device given. "host us" with the driver asked
  // about every pointer is measured beside it.
  int device = 0;
  FP8GEMM_CUDA_CHECK(cudaGetDevice(&device));
  const auto ours = [&] { run_ours(device); };
  // First call: includes the JIT compile (or the disk-cache load) of this shape's kernel.
  try {
    d.poison(stream_);
    result.first_call_us = time_first_call_us(ours, stream_);
    result.host_call_us = time_host_call_us(ours, stream_, kHostCalls);
    result.host_call_queried_us = time_host_call_us([&] { run_ours(kDeviceUnknown); }, stream_, kHostCalls);
    result.ours.ran = true;
  } catch (const std::exception& e) {
    result.ours.note = e.what();
    result.correctness = "run failed";
  }

  std::unique_ptr<BlockScaledLoop> lt;
  bool lt_ran = false;
  if (baselines_) {
    std::vector<int64_t> rows, row0, group;
    for (const Slice& s : slices) rows.push_back(s.rows), row0.push_back(s.row0), group.push_back(s.group);
    lt = std::make_unique<BlockScaledLoop>(*lt_, a, b, rows, row0, group, result.n, result.k, d.rows());
    result.lt_block_scaled.note = lt->refusal();
    if (lt->refusal().empty()) {
      try {
        lt->output().poison(stream_);
        lt->launch(stream_);
        FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream_));
        lt_ran = true;
      } catch (const std::exception& e) {
        result.lt_block_scaled.note = e.what();
      }
    }
  }

  // Both outputs against one reference computation per slice.
  if (result.ours.ran || lt_ran) {
    const std::vector<uint16_t> ours_d = result.ours.ran ? d.download() : std::vector<uint16_t>();
    const std::vector<uint16_t> lt_d = lt_ran ? lt->output().download() : std::vector<uint16_t>();
    if (result.ours.ran) {
      result.ours.diff = 0;
      const std::string damage = d.guard_damage();
      if (!damage.empty()) result.correctness = damage;
    }
    if (lt_ran) result.lt_block_scaled.diff = 0;
    // The forced configs write the same output, one after another: each is kept for the comparison below.
    std::vector<std::vector<uint16_t>> forced_d;
    for (const std::string& config : configs_) {
      ConfigMeasurement& f = result.forced.emplace_back();
      f.config = config;
      forced_d.emplace_back();
      if (!result.ours.ran) continue;
      try {
        const ForcedConfig scope(config);
        d.poison(stream_);
        run_ours(device);
        FP8GEMM_CUDA_CHECK(cudaStreamSynchronize(stream_));
        forced_d.back() = d.download();
        f.m.ran = true;
        f.m.diff = 0;
        f.correctness = d.guard_damage();
      } catch (const std::exception& e) {
        f.m.note = e.what();
      }
    }
    for (const Slice& s : slices) {
      if (s.rows == 0) continue;
      const std::vector<double> ref =
          reference_->gemm(a.host, s.row0, s.rows, b.host[static_cast<size_t>(s.group)]);
      std::string failure;
      if (result.ours.ran) {
        const double diff = diff_rows(ours_d, result.n, s.row0, s.rows, ref, &failure);
        if (!(result.ours.diff >= diff)) result.ours.diff = diff;
        if (!failure.empty() && result.correctness.empty()) result.correctness = failure;
      }
      if (lt_ran) {
        failure.clear();
        const double diff = diff_rows(lt_d, result.n, s.row0, s.rows, ref, &failure);
        if (!(result.lt_block_scaled.diff >= diff)) result.lt_block_scaled.diff = diff;
      }
      for (size_t i = 0; i < result.forced.size(); ++i) {
        ConfigMeasurement& f = result.forced[i];
        if (!f.m.ran) continue;
        failure.clear();
        const double diff = diff_rows(forced_d[i], result.n, s.row0, s.rows, ref, &failure);
        if (!(f.m.diff >= diff)) f.m.diff = diff;
        if (!failure.empty() && f.correctness.empty()) f.correctness = failure;
      }
    }
    for (ConfigMeasurement& f : result.forced)
      if (f.m.ran && f.correctness.empty() && !(f.m.diff < kDiffTolerance))
        f.correctness = "diff " + std::to_string(f.m.diff) + " >= " + std::to_string(kDiffTolerance);
    if (result.ours.ran && result.correctness.empty() && !(result.ours.diff < kDiffTolerance))
      result.correctness = "diff " + std::to_string(result.ours.diff) + " >= " + std::to_string(kDiffTolerance);
  }

  // Ours, cuBLASLt block-scaled and the forced configs in turn, so that they are compared at the same
  // clocks.
  if (result.ours.ran) {
    std::vector<std::function<void()>> launches{ours};
    if (lt_ran) launches.push_back([&] { lt->launch(stream_); });
    std::vector<Measurement*> forced;  // the forced configs that ran, in the order of their launches
    for (ConfigMeasurement& f : result.forced) {
      if (!f.m.ran) continue;
      forced.push_back(&f.m);
      launches.push_back([&, config = f.config] {
        const ForcedConfig scope(config);
        run_ours(device);
      });
    }
    try {
      if (clocks_ != nullptr) clocks_->start();
      const std::vector<Timing> t = time_launches_interleaved(launches, stream_, iters_, *flusher_);
      if (clocks_ != nullptr) result.clock = clocks_->stop();
      record_timing(result.ours, t[0]);
      if (lt_ran) record_timing(result.lt_block_scaled, t[1]);
      for (size_t i = 0; i < forced.size(); ++i) record_timing(*forced[i], t[t.size() - forced.size() + i]);
    } catch (const std::exception& e) {
      if (clocks_ != nullptr) clocks_->stop();
      result.ours.ran = false;
      result.ours.note = e.what();
      for (Measurement* m : forced) m->ran = false, m->note = "not timed: " + result.ours.note;
    }
  } else if (lt_ran) {
    record_timing(result.lt_block_scaled, time_launches([&] { lt->launch(stream_); }, stream_, iters_, *flusher_));
  }
  if (baselines_ && result.layout == "normal") dense_baselines(result, a, b);
  return result;
}

void Benchmark::dense_baselines(BenchResult& result, const Activations& a, const Weights& b) {
  const int64_t m = result.m, n = result.n, k = result.k;
  DeviceBuffer d(static_cast<size_t>(m * n) * sizeof(uint16_t));

  const LtGemm per_tensor(*lt_, LtKind::fp8_per_tensor, m, n, k);
  result.lt_per_tensor.note = per_tensor.refusal();
  if (per_tensor.available()) {
    // One allocation per scale: cuBLASLt's FP8 kernels want 16-byte aligned pointers, and the algorithm
    // its heuristic picked for aligned placeholders is refused at run time (NOT_SUPPORTED) for a scale
    // 4 bytes into a buffer.
    const DeviceBuffer a_scale = DeviceBuffer::from(std::vector<float>{1.0f});
    const DeviceBuffer b_scale = DeviceBuffer::from(std::vector<float>{1.0f});
    auto launch = [&] {
      const cublasStatus_t status = per_tensor.run(a.a_buffer.get(), b.b_buffer.get(), a_scale.as<float>(),
                                                   b_scale.as<float>(), d.get(), stream_);
      if (status != CUBLAS_STATUS_SUCCESS) throw CudaError("cuBLASLt refused (matmul: " + cublas_status_name(status) + ")");
    };
    try {
      record_timing(result.lt_per_tensor, time_launches(launch, stream_, iters_, *flusher_));
    } catch (const std::exception& e) {
      result.lt_per_tensor.note = e.what();
    }
  }

  const LtGemm bf16(*lt_, LtKind::bf16, m, n, k);
  result.lt_bf16.note = bf16.refusal();
  if (bf16.available()) {
    const DeviceBuffer a_bf16 = DeviceBuffer::from(to_bf16(dequantized(a.host, Quantization::per_token_group, 0, m)));
    const DeviceBuffer b_bf16 = DeviceBuffer::from(to_bf16(dequantized(b.host[0], Quantization::per_block, 0, n)));
    auto launch = [&] {
      const cublasStatus_t status = bf16.run(a_bf16.get(), b_bf16.get(), nullptr, nullptr, d.get(), stream_);
      if (status != CUBLAS_STATUS_SUCCESS) throw CudaError("cuBLASLt refused (matmul: " + cublas_status_name(status) + ")");
    };
    try {
      record_timing(result.lt_bf16, time_launches(launch, stream_, iters_, *flusher_));
    } catch (const std::exception& e) {
      result.lt_bf16.note = e.what();
    }
  }
}

}  // namespace fp8gemm::support
