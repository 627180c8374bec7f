// fp8gemm: FP8 GEMMs with fine-grained scaling for NVIDIA Hopper (sm_90a).
//
//   D[M, N] (bf16) = (A[M, K] ⊙ sa) · (B[N, K] ⊙ sb)ᵀ
//
// A, B: FP8 E4M3, K-major. sa: FP32, one scale per row and per 128 of K. sb: FP32, one scale per
// 128×128 block of B. All work is enqueued on the caller's stream; nothing synchronises the host.
// Errors are thrown as fp8gemm::Error, whose message names the argument and the rule broken.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

// Same type as cudaStream_t and CUstream, without pulling in CUDA headers.
struct CUstream_st;

namespace fp8gemm {

using Stream = CUstream_st*;

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DType : int { e4m3 = 0, f32 = 1, bf16 = 2, i32 = 3, f16 = 4 };
const char* dtype_name(DType t);
int dtype_size(DType t);

// Where a tensor's memory is, for TensorView::device.
constexpr int kDeviceUnknown = -1;  // fp8gemm asks the driver: one pointer query per tensor per call
constexpr int kManagedMemory = -2;  // managed (unified) memory: usable from the current device

// A non-owning view of a strided tensor (strides in elements, up to 3 dimensions). `device` is the CUDA
// device ordinal of the memory when the caller knows it, as framework tensors do (the Python package
// fills it from DLPack): fp8gemm then only compares it with the current device. Left at
// kDeviceUnknown, every call asks the driver where each pointer lives (a look-up per tensor), which
// also catches host pointers. A wrong value is the caller's error: fp8gemm trusts it.
// With every device given, a call whose views (every field), stream, context, settings and SM count
// equal one of the calling thread's 64 most recent calls is launched as that call was prepared, without
// checking its arguments again: they passed before, and the checks are functions of those values.
struct TensorView {
  void* data = nullptr;
  DType dtype = DType::f32;
  int ndim = 0;
  int64_t shape[3] = {0, 0, 0};
  int64_t stride[3] = {0, 0, 0};
  int device = kDeviceUnknown;  // an ordinal >= 0, kManagedMemory or kDeviceUnknown

  int64_t numel() const;
  // Contiguous row-major view.
  static TensorView contiguous(void* data, DType dtype, std::initializer_list<int64_t> shape);
};

// The three entry points. Shapes (G = groups, Kb = ceil(K/128), Nb = ceil(N/128)):
//   normal:     a [M, K], sa [M, Kb], b [N, K], sb [Nb, Kb], d [M, N]
//   contiguous: a [M, K], sa [M, Kb], b [G, N, K], sb [G, Nb, Kb], d [M, N], m_indices int32 [M]
//   masked:     a [G, max_m, K], sa [G, max_m, Kb], b [G, N, K], sb [G, Nb, Kb], d [G, max_m, N],
//               masked_m int32 [G] (device), expected_m a host hint for tile selection only.
// sa may be row-major (stride over Kb == 1) or MN-major (stride over M == 1, the leading dimension
// TMA-aligned, as get_mn_major_tma_aligned_tensor produces).
// Requirements: M >= 0 (M == 0 does nothing), N >= 8 and N % 8 == 0, K >= 16 and K % 16 == 0,
// every tensor on the current CUDA device, a Hopper (sm_90) device.
void fp8_gemm_nt(const TensorView& a, const TensorView& sa, const TensorView& b, const TensorView& sb,
                 const TensorView& d, Stream stream = nullptr);

void m_grouped_fp8_gemm_nt_contiguous(const TensorView& a, const TensorView& sa, const TensorView& b,
                                      const TensorView& sb, const TensorView& d,
                                      const TensorView& m_indices, Stream stream = nullptr);

void m_grouped_fp8_gemm_nt_masked(const TensorView& a, const TensorView& sa, const TensorView& b,
                                  const TensorView& sb, const TensorView& d, const TensorView& masked_m,
                                  int64_t expected_m, Stream stream = nullptr);

// Quantization to E4M3 on the device, bit for bit as the CPU reference (src/reference): per group,
// scale = max(amax, 1e-4) / 448 in FP32, rounded up to a power of two with pow2_scales (UE8M0-style),
// and q = e4m3(x / scale) with a true division, round to nearest even, saturated to ±448. NaN inputs
// do not count towards amax and stay NaN (same sign). K need not be a multiple of 128: the last group
// is short. Kb = ceil(K/128), Nb = ceil(N/128).
//   per_token_cast_to_fp8 (activations, one scale per row and 128 columns):
//     x [M, K] or [G, M, K]; q [M, K] or [G, M, K]; scales [M, Kb] or [G, M, Kb].
//   per_block_cast_to_fp8 (weights, one scale per 128x128 block):
//     w [N, K] or [G, N, K]; q [N, K] or [G, N, K]; scales [Nb, Kb] or [G, Nb, Kb].
// x / w: bf16, f16 or f32; q: e4m3; scales: f32. x, w and q are row-major along K (stride 1, any row and
// group strides; rows whose start is 16-byte aligned take the fast path). The scales' last two
// dimensions are MN-major (stride 1 over rows: with the leading dimension get_tma_aligned_size(M, 4),
// the layout the GEMMs read for sa) or row-major, groups not overlapping. Every tensor on the current
// CUDA device, a Hopper (sm_90) device.
void per_token_cast_to_fp8(const TensorView& x, const TensorView& q, const TensorView& scales,
                           bool pow2_scales = false, Stream stream = nullptr);
void per_block_cast_to_fp8(const TensorView& w, const TensorView& q, const TensorView& scales,
                           bool pow2_scales = false, Stream stream = nullptr);

// Number of SMs the persistent kernels may use (0 = all of the device's). A long-K normal or contiguous GEMM
// launches only as many as its waves of tiles need (e.g. 128 of 132 for 4096 tiles): as fast in tile times, and
// faster per clock on the H100.
void set_num_sms(int num_sms);
int get_num_sms();

// The GEMMs read FP8GEMM_CONFIG and FP8GEMM_CHECK_INDICES at their first call, not at every call; this
// reads them again (for tuning: set the variable, reload, call). Thread-safe.
void reload_settings();

// Every expert segment of the contiguous layout must be padded to a multiple of this many rows.
int get_m_alignment_for_contiguous_layout();

// Smallest x' >= x such that x' * element_size is a multiple of 16 bytes (TMA's rule for strides).
int64_t get_tma_aligned_size(int64_t x, int64_t element_size);

}  // namespace fp8gemm
