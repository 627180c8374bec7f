// GEMM problems of the three layouts, ready to run: random quantized operands on the host (kept for the
// reference) and on the device, the TensorViews the API takes, and a guarded output.
//
// Layouts (G = groups, Kb = ceil(K/128), Nb = ceil(N/128)):
//   normal:     a [M, K], sa [M, Kb], b [N, K], sb [Nb, Kb], d [M, N]
//   contiguous: a [M_total, K], sa [M_total, Kb], b [G, N, K], sb [G, Nb, Kb], d [M_total, N], m_indices [M_total]
//   masked:     a [G, max_m, K], sa [G, max_m, Kb], b [G, N, K], sb [G, Nb, Kb], d [G, max_m, N], masked_m [G]
// sa is either row-major or MN-major (stride over M == 1, leading dimension get_tma_aligned_size(M, 4));
// D is contiguous or has padded rows (GuardedOutput).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "reference/reference.hpp"
#include "support/device_buffer.hpp"
#include "support/guarded_output.hpp"

namespace fp8gemm::support {

enum class ScaleLayout { row_major, mn_major };
const char* scale_layout_name(ScaleLayout layout);

// The layouts a problem's caller chooses: sa's, and D's (see GuardedOutput).
struct Layouts {
  ScaleLayout sa = ScaleLayout::mn_major;
  OutputLayout d = OutputLayout::contiguous;
};
// "sa mn-major, d contiguous"
std::string describe(const Layouts& layouts);

// Every combination, ordered so that any two consecutive entries cover both sa layouts and both D layouts.
inline constexpr Layouts kAllLayouts[] = {
    {ScaleLayout::mn_major, OutputLayout::contiguous},
    {ScaleLayout::row_major, OutputLayout::padded_rows},
    {ScaleLayout::mn_major, OutputLayout::padded_rows},
    {ScaleLayout::row_major, OutputLayout::contiguous},
};

// Activations A and their 1x128 scales sa. `groups` == 0 makes 2-D tensors [rows, ...]; otherwise 3-D
// [groups, rows, ...]. `host` holds all groups * rows rows.
struct Activations {
  reference::Quantized host;
  DeviceBuffer a_buffer, sa_buffer;
  TensorView a, sa;
};
Activations make_activations(int64_t groups, int64_t rows, int64_t k, ScaleLayout layout, uint64_t seed);

// Weights B and their 128x128 scales sb, one quantized matrix per group. `groups` == 0 makes a plain
// 2-D [N, K] weight (host then holds one matrix).
struct Weights {
  std::vector<reference::Quantized> host;
  DeviceBuffer b_buffer, sb_buffer;
  TensorView b, sb;
};
Weights make_weights(int64_t groups, int64_t n, int64_t k, uint64_t seed);

struct NormalProblem {
  int64_t m = 0, n = 0, k = 0;
  Activations a;
  Weights b;
  GuardedOutput d_buffer;
  TensorView d;
  // `device`: each view's TensorView::device for this call (kDeviceUnknown: the library asks the driver).
  void run(Stream stream, int device = kDeviceUnknown) const;
};
NormalProblem make_normal_problem(int64_t m, int64_t n, int64_t k, const Layouts& layouts, uint64_t seed);

struct ContiguousProblem {
  int64_t groups = 0, n = 0, k = 0, m_total = 0;
  std::vector<int64_t> group_rows;      // real rows of each expert
  std::vector<int64_t> segment_begin;   // first row of each expert's padded segment
  std::vector<int32_t> m_indices;       // host copy of the device tensor (-1 on padding rows)
  Activations a;
  Weights b;
  DeviceBuffer m_indices_buffer;
  TensorView m_indices_view;
  GuardedOutput d_buffer;
  TensorView d;
  // Sends the host m_indices to the device again (tests that plant bad indices).
  void upload_m_indices();
  // `device`: each view's TensorView::device for this call (kDeviceUnknown: the library asks the driver).
  void run(Stream stream, int device = kDeviceUnknown) const;
};
// Each expert's segment is padded to get_m_alignment_for_contiguous_layout() rows.
int64_t contiguous_total_rows(const std::vector<int64_t>& group_rows);
ContiguousProblem make_contiguous_problem(const std::vector<int64_t>& group_rows, int64_t n, int64_t k,
                                          const Layouts& layouts, uint64_t seed);

struct MaskedProblem {
  int64_t groups = 0, max_m = 0, n = 0, k = 0;
  int64_t expected_m = 0;
  std::vector<int32_t> masked_m;  // host copy of the device tensor
  Activations a;
  Weights b;
  DeviceBuffer masked_m_buffer;
  TensorView masked_m_view;
  GuardedOutput d_buffer;
  TensorView d;
  // Changes the device masked_m (enqueued on `stream`, so it can precede a graph replay).
  void set_masked_m(const std::vector<int32_t>& values, Stream stream);
  // `device`: each view's TensorView::device for this call (kDeviceUnknown: the library asks the driver).
  void run(Stream stream, int device = kDeviceUnknown) const;
};
// The expected_m hint a masked problem passes: the mean of the masked_m values clipped to [0, max_m],
// at least 1.
int64_t masked_expected_m(const std::vector<int32_t>& masked_m, int64_t max_m);
MaskedProblem make_masked_problem(int64_t groups, int64_t max_m, const std::vector<int32_t>& masked_m, int64_t n,
                                  int64_t k, const Layouts& layouts, uint64_t seed);

}  // namespace fp8gemm::support
