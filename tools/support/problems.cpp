#include "support/problems.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "common/math.hpp"
#include "support/cuda_check.hpp"
#include "support/random_operands.hpp"

namespace fp8gemm::support {

const char* scale_layout_name(ScaleLayout layout) {
  return layout == ScaleLayout::row_major ? "row-major" : "mn-major";
}

std::string describe(const Layouts& layouts) {
  return std::string("sa ") + scale_layout_name(layouts.sa) + ", d " + output_layout_name(layouts.d);
}

static TensorView view_of(const DeviceBuffer& buffer, DType dtype, int64_t groups, int64_t rows, int64_t cols) {
  return groups == 0 ? TensorView::contiguous(buffer.get(), dtype, {rows, cols})
                     : TensorView::contiguous(buffer.get(), dtype, {groups, rows, cols});
}

Activations make_activations(int64_t groups, int64_t rows, int64_t k, ScaleLayout layout, uint64_t seed) {
  const int64_t g_count = std::max<int64_t>(groups, 1);
  const int64_t kb = ceil_div(k, 128);
  Activations out;
  out.host = random_quantized(g_count * rows, k, Quantization::per_token_group, seed);
  out.a_buffer = DeviceBuffer::from(out.host.q);
  out.a = view_of(out.a_buffer, DType::e4m3, groups, rows, k);
  if (layout == ScaleLayout::row_major) {
    out.sa_buffer = DeviceBuffer::from(out.host.scales);
    out.sa = view_of(out.sa_buffer, DType::f32, groups, rows, kb);
    return out;
  }
  // MN-major: for each group, Kb columns of `ld` floats; the padding rows hold NaN so that a kernel that
  // reads a scale it should not use produces NaN instead of a plausible number.
  const int64_t ld = get_tma_aligned_size(rows, 4);
  std::vector<float> mn(static_cast<size_t>(g_count * kb * ld), std::numeric_limits<float>::quiet_NaN());
  for (int64_t g = 0; g < g_count; ++g)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < kb; ++j)
        mn[static_cast<size_t>((g * kb + j) * ld + r)] = out.host.scales[static_cast<size_t>((g * rows + r) * kb + j)];
  out.sa_buffer = DeviceBuffer::from(mn);
  out.sa.data = out.sa_buffer.get();
  out.sa.dtype = DType::f32;
  if (groups == 0) {
    out.sa.ndim = 2;
    out.sa.shape[0] = rows, out.sa.shape[1] = kb;
    out.sa.stride[0] = 1, out.sa.stride[1] = ld;
  } else {
    out.sa.ndim = 3;
    out.sa.shape[0] = groups, out.sa.shape[1] = rows, out.sa.shape[2] = kb;
    out.sa.stride[0] = kb * ld, out.sa.stride[1] = 1, out.sa.stride[2] = ld;
  }
  return out;
}

Weights make_weights(int64_t groups, int64_t n, int64_t k, uint64_t seed) {
  const int64_t g_count = std::max<int64_t>(groups, 1);
  Weights out;
  std::vector<uint8_t> q;
  std::vector<float> scales;
  for (int64_t g = 0; g < g_count; ++g) {
    out.host.push_back(random_quantized(n, k, Quantization::per_block, derive_seed(seed, static_cast<uint64_t>(g))));
    q.insert(q.end(), out.host.back().q.begin(), out.host.back().q.end());
    scales.insert(scales.end(), out.host.back().scales.begin(), out.host.back().scales.end());
  }
  out.b_buffer = DeviceBuffer::from(q);
  out.sb_buffer = DeviceBuffer::from(scales);
  out.b = view_of(out.b_buffer, DType::e4m3, groups, n, k);
  out.sb = view_of(out.sb_buffer, DType::f32, groups, ceil_div(n, 128), ceil_div(k, 128));
  return out;
}

// Operand seeds of one problem: A and B never share a random stream.
static uint64_t activation_seed(uint64_t seed) { return derive_seed(seed, 0); }
static uint64_t weight_seed(uint64_t seed) { return derive_seed(seed, 1); }

NormalProblem make_normal_problem(int64_t m, int64_t n, int64_t k, const Layouts& layouts, uint64_t seed) {
  NormalProblem p;
  p.m = m, p.n = n, p.k = k;
  p.a = make_activations(0, m, k, layouts.sa, activation_seed(seed));
  p.b = make_weights(0, n, k, weight_seed(seed));
  p.d_buffer = GuardedOutput(m, n, layouts.d);
  p.d = p.d_buffer.view();
  return p;
}

// The view as a caller that knows (or not) where it lives passes it.
static TensorView on(TensorView view, int device) {
  view.device = device;
  return view;
}

void NormalProblem::run(Stream stream, int device) const {
  fp8_gemm_nt(on(a.a, device), on(a.sa, device), on(b.b, device), on(b.sb, device), on(d, device), stream);
}

int64_t contiguous_total_rows(const std::vector<int64_t>& group_rows) {
  const int64_t alignment = get_m_alignment_for_contiguous_layout();
  int64_t total = 0;
  for (int64_t rows : group_rows) total += ceil_div(rows, alignment) * alignment;
  return total;
}

ContiguousProblem make_contiguous_problem(const std::vector<int64_t>& group_rows, int64_t n, int64_t k,
                                          const Layouts& layouts, uint64_t seed) {
  ContiguousProblem p;
  p.groups = static_cast<int64_t>(group_rows.size());
  p.n = n, p.k = k;
  p.group_rows = group_rows;
  const int64_t alignment = get_m_alignment_for_contiguous_layout();
  for (int64_t g = 0; g < p.groups; ++g) {
    const int64_t rows = group_rows[static_cast<size_t>(g)];
    p.segment_begin.push_back(p.m_total);
    const int64_t padded = ceil_div(rows, alignment) * alignment;
    p.m_indices.insert(p.m_indices.end(), static_cast<size_t>(rows), static_cast<int32_t>(g));
    p.m_indices.insert(p.m_indices.end(), static_cast<size_t>(padded - rows), -1);
    p.m_total += padded;
  }
  p.a = make_activations(0, p.m_total, k, layouts.sa, activation_seed(seed));
  p.b = make_weights(p.groups, n, k, weight_seed(seed));
  p.m_indices_buffer = DeviceBuffer::from(p.m_indices);
  p.m_indices_view = TensorView::contiguous(p.m_indices_buffer.get(), DType::i32, {p.m_total});
  p.d_buffer = GuardedOutput(p.m_total, n, layouts.d);
  p.d = p.d_buffer.view();
  return p;
}

void ContiguousProblem::upload_m_indices() {
  if (static_cast<int64_t>(m_indices.size()) != m_total)
    throw std::invalid_argument("ContiguousProblem: m_indices must keep " + std::to_string(m_total) + " entries");
  m_indices_buffer.upload(m_indices.data(), m_indices.size() * sizeof(int32_t));
}

void ContiguousProblem::run(Stream stream, int device) const {
  m_grouped_fp8_gemm_nt_contiguous(on(a.a, device), on(a.sa, device), on(b.b, device), on(b.sb, device),
                                   on(d, device), on(m_indices_view, device), stream);
}

int64_t masked_expected_m(const std::vector<int32_t>& masked_m, int64_t max_m) {
  int64_t sum = 0;
  for (int32_t rows : masked_m) sum += std::clamp<int64_t>(rows, 0, max_m);
  return std::max<int64_t>(1, masked_m.empty() ? 1 : sum / static_cast<int64_t>(masked_m.size()));
}

MaskedProblem make_masked_problem(int64_t groups, int64_t max_m, const std::vector<int32_t>& masked_m, int64_t n,
                                  int64_t k, const Layouts& layouts, uint64_t seed) {
  if (static_cast<int64_t>(masked_m.size()) != groups)
    throw std::invalid_argument("make_masked_problem: masked_m needs one entry per group");
  MaskedProblem p;
  p.groups = groups, p.max_m = max_m, p.n = n, p.k = k;
  p.masked_m = masked_m;
  p.expected_m = masked_expected_m(masked_m, max_m);
  p.a = make_activations(groups, max_m, k, layouts.sa, activation_seed(seed));
  p.b = make_weights(groups, n, k, weight_seed(seed));
  p.masked_m_buffer = DeviceBuffer::from(masked_m);
  p.masked_m_view = TensorView::contiguous(p.masked_m_buffer.get(), DType::i32, {groups});
  p.d_buffer = GuardedOutput(groups * max_m, n, layouts.d);
  p.d = p.d_buffer.view(groups);
  return p;
}

void MaskedProblem::set_masked_m(const std::vector<int32_t>& values, Stream stream) {
  if (static_cast<int64_t>(values.size()) != groups)
    throw std::invalid_argument("MaskedProblem::set_masked_m: needs one entry per group");
  masked_m = values;
  FP8GEMM_CUDA_CHECK(cudaMemcpyAsync(masked_m_buffer.get(), masked_m.data(), masked_m.size() * sizeof(int32_t),
                                     cudaMemcpyHostToDevice, stream));
}

void MaskedProblem::run(Stream stream, int device) const {
  m_grouped_fp8_gemm_nt_masked(on(a.a, device), on(a.sa, device), on(b.b, device), on(b.sb, device), on(d, device),
                               on(masked_m_view, device), expected_m, stream);
}

}  // namespace fp8gemm::support
