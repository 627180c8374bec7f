// The quantization entry points: argument checks, then the kernel variant for the input's dtype and
// alignment, launched on the caller's stream.
#include <algorithm>
#include <span>

#include "../../kernels/fp8gemm/quantize_params.h"
#include "api/checks.hpp"
#include "api/memo.hpp"
#include "common/math.hpp"
#include "fp8gemm/fp8gemm.hpp"
#include "jit/kernel.hpp"
#include "jit/quantize_source.hpp"
#include "runtime/driver.hpp"

namespace fp8gemm {
namespace {

using jit::QuantizeKind;
using jit::QuantizeVariant;

constexpr int64_t kMaxGridYZ = 65535;  // CUDA's limit on gridDim.y and gridDim.z

// The extents of a [rows, cols] or [batches, rows, cols] tensor.
struct Extents {
  int64_t batches, rows, cols;
};

// A shape to check against, held in place (the checks run on every call: no allocation).
struct Shape {
  int64_t dims[3];
  size_t rank;
  std::span<const int64_t> span() const { return {dims, rank}; }
};

Shape shape_of(const Extents& e, bool batched) {
  if (batched) return {{e.batches, e.rows, e.cols}, 3};
  return {{e.rows, e.cols, 0}, 2};
}

// The input's rank, dtype, layout and size limits. `dims` names its shape, e.g. "[M, K]".
Extents check_input(const TensorView& x, const char* name, const char* dims, const char* batched_dims) {
  if (x.ndim != 2 && x.ndim != 3)
    throw Error(std::string(name) + ": must have 2 or 3 dimensions, " + dims + " or " + batched_dims + ", got " +
                api::shape_string(x));
  if (x.dtype != DType::bf16 && x.dtype != DType::f16 && x.dtype != DType::f32)
    throw Error(std::string(name) + ": must have dtype bfloat16, float16 or float32, got " + dtype_name(x.dtype));
  for (int i = 0; i < x.ndim; ++i)
    if (x.shape[i] < 0) throw Error(std::string(name) + ": shape must not be negative, got " + api::shape_string(x));
  const Extents e{x.ndim == 3 ? x.shape[0] : 1, x.shape[x.ndim - 2], x.shape[x.ndim - 1]};
  // Rows and columns are int on the device, with room for the last group's padding.
  const int64_t max_extent = (int64_t{1} << 31) - 1 - 128;
  if (e.rows > max_extent || e.cols > max_extent)
    throw Error(std::string(name) + ": the last two dimensions must be at most " + std::to_string(max_extent) +
                ", got " + api::shape_string(x));
  if (e.batches > kMaxGridYZ)
    throw Error(std::string(name) + ": at most " + std::to_string(kMaxGridYZ) + " groups (shape[0]), got " +
                std::to_string(e.batches));
  api::check_rows(x, name, 1);
  api::check_alignment(x, name, dtype_size(x.dtype));
  return e;
}

void check_output(const TensorView& q, const Extents& e, bool batched, const char* dims) {
  api::check_dtype(q, "q", DType::e4m3);
  api::check_shape(q, "q", shape_of(e, batched).span(), dims);
  api::check_rows(q, "q", 1);
}

void check_scales(const TensorView& s, const Extents& scale_extents, bool batched, const char* dims) {
  api::check_dtype(s, "scales", DType::f32);
  api::check_shape(s, "scales", shape_of(scale_extents, batched).span(), dims);
  if (!api::scale_layout_ok(s))
    throw Error("scales: must be MN-major (stride 1 over rows) or row-major (stride 1 over K blocks), got strides " +
                std::to_string(s.stride[s.ndim - 2]) + ", " + std::to_string(s.stride[s.ndim - 1]));
  if (batched && s.shape[0] > 1 && s.shape[1] > 0 && s.shape[2] > 0) {
    const int64_t extent = (s.shape[1] - 1) * s.stride[1] + (s.shape[2] - 1) * s.stride[2] + 1;
    if (s.stride[0] < extent)
      throw Error("scales: the groups must not overlap: stride[0] must be at least " + std::to_string(extent) +
                  ", got " + std::to_string(s.stride[0]));
  }
  api::check_alignment(s, "scales", 4);
}

// A dimension's stride, 0 where the dimension has one element (its stride is then arbitrary).
int64_t stride_of(const TensorView& t, int dim) { return t.shape[dim] > 1 ? t.stride[dim] : 0; }

QuantizeParams make_params(const TensorView& x, const TensorView& q, const TensorView& s, const Extents& e,
                           bool pow2_scales) {
  const bool batched = x.ndim == 3;
  QuantizeParams p{};
  p.x = x.data;
  p.q = q.data;
  p.scales = static_cast<float*>(s.data);
  p.rows = static_cast<int>(e.rows);
  p.cols = static_cast<int>(e.cols);
  p.x_stride_b = batched ? stride_of(x, 0) : 0;
  p.x_stride_r = stride_of(x, x.ndim - 2);
  p.q_stride_b = batched ? stride_of(q, 0) : 0;
  p.q_stride_r = stride_of(q, q.ndim - 2);
  p.s_stride_b = batched ? stride_of(s, 0) : 0;
  p.s_stride_r = stride_of(s, s.ndim - 2);
  p.s_stride_c = stride_of(s, s.ndim - 1);
  p.pow2_scales = pow2_scales ? 1 : 0;
  return p;
}

// Whether every 16-byte vector of x (and the matching 4 or 8 bytes of q) is aligned: the fast variant.
bool vectorizable(const QuantizeParams& p, DType input) {
  const int64_t bytes = dtype_size(input), vec = kQuantizeVectorBytes / bytes;
  auto aligned = [](int64_t value, int64_t to) { return value % to == 0; };
  return aligned(reinterpret_cast<uintptr_t>(p.x), kQuantizeVectorBytes) && aligned(p.cols, vec) &&
         aligned(p.x_stride_r * bytes, kQuantizeVectorBytes) && aligned(p.x_stride_b * bytes, kQuantizeVectorBytes) &&
         aligned(reinterpret_cast<uintptr_t>(p.q), vec) && aligned(p.q_stride_r, vec) && aligned(p.q_stride_b, vec);
}

// A variant's kernel in a context, kept after its first call: a warm call does one look-up instead of
// building the kernel name and going through the kernel and module caches.
struct KernelKey {
  unsigned long long context_id = 0;  // runtime::ContextInfo::id
  QuantizeKind kind = QuantizeKind::per_token;
  DType input = DType::bf16;
  bool vectorized = false;
  bool operator==(const KernelKey&) const = default;
};

struct KernelKeyHash {
  size_t operator()(const KernelKey& key) const {
    size_t h = std::hash<unsigned long long>{}(key.context_id);
    api::hash_mix(h, static_cast<size_t>(key.kind));
    api::hash_mix(h, static_cast<size_t>(key.input));
    api::hash_mix(h, key.vectorized ? 1 : 0);
    return h;
  }
};

// `context_id`: the call's context (api::CallContext, looked up once for its checks and this).
CUfunction kernel_for(const QuantizeVariant& v, unsigned long long context_id) {
  static api::Memo<KernelKey, CUfunction, KernelKeyHash> kernels;
  const KernelKey key{context_id, v.kind, v.input, v.vectorized};
  CUfunction kernel = nullptr;
  if (kernels.find(key, kernel)) return kernel;
  kernel = jit::get_kernel(jit::quantize_kernel_name(v), [&] { return jit::quantize_kernel_source(v); }, 0);
  kernels.insert(key, kernel);
  return kernel;
}

void launch(QuantizeKind kind, DType input, QuantizeParams params, const Extents& e, Stream stream,
            unsigned long long context_id) {
  const QuantizeVariant variant{kind, input, vectorizable(params, input)};
  const CUfunction kernel = kernel_for(variant, context_id);
  const int64_t col_blocks = ceil_div(e.cols, kQuantizeGroup);
  CUlaunchConfig config{};
  if (kind == QuantizeKind::per_token) {
    // Column groups along x (neighbouring CTAs read neighbouring columns); the kernel loops over row
    // tiles beyond what gridDim.y holds.
    config.gridDimX = static_cast<unsigned>(col_blocks);
    config.gridDimY = static_cast<unsigned>(std::min(ceil_div(e.rows, per_token_tile_rows(dtype_size(input))), kMaxGridYZ));
  } else {
    config.gridDimX = static_cast<unsigned>(col_blocks);
    config.gridDimY = static_cast<unsigned>(ceil_div(e.rows, kQuantizeGroup));
  }
  config.gridDimZ = static_cast<unsigned>(e.batches);
  config.blockDimX = static_cast<unsigned>(jit::quantize_threads(variant));
  config.blockDimY = config.blockDimZ = 1;
  config.hStream = reinterpret_cast<CUstream>(stream);
  void* args[] = {&params};
  runtime::check(runtime::driver().LaunchKernelEx(&config, kernel, args, nullptr),
                 "cuLaunchKernelEx (fp8gemm quantize)");
}

void cast_to_fp8(QuantizeKind kind, const TensorView& x, const TensorView& q, const TensorView& scales,
                 bool pow2_scales, Stream stream) {
  const bool per_token = kind == QuantizeKind::per_token;
  const char* x_name = per_token ? "x" : "w";
  const Extents e = per_token ? check_input(x, x_name, "[M, K]", "[G, M, K]") : check_input(x, x_name, "[N, K]", "[G, N, K]");
  const bool batched = x.ndim == 3;
  const int64_t col_blocks = ceil_div(e.cols, kQuantizeGroup);
  const int64_t row_groups = per_token ? e.rows : ceil_div(e.rows, kQuantizeGroup);
  // Per block, the grid's y dimension holds the N blocks (per token loops over its row tiles instead).
  if (!per_token && row_groups > kMaxGridYZ)
    throw Error(std::string(x_name) + ": N must be at most " + std::to_string(kMaxGridYZ * kQuantizeGroup) + " (" +
                std::to_string(kMaxGridYZ) + " groups of 128), got " + std::to_string(e.rows));
  if (per_token) {
    check_output(q, e, batched, batched ? "[G, M, K]" : "[M, K]");
    check_scales(scales, {e.batches, row_groups, col_blocks}, batched,
                 batched ? "[G, M, ceil(K/128)]" : "[M, ceil(K/128)]");
  } else {
    check_output(q, e, batched, batched ? "[G, N, K]" : "[N, K]");
    check_scales(scales, {e.batches, row_groups, col_blocks}, batched,
                 batched ? "[G, ceil(N/128), ceil(K/128)]" : "[ceil(N/128), ceil(K/128)]");
  }
  api::CallContext context;
  for (auto [t, name] : {std::pair{&x, x_name}, {&q, "q"}, {&scales, "scales"}})
    api::check_on_device(*t, name, context);
  api::hopper_device(context);
  if (e.batches == 0 || e.rows == 0 || e.cols == 0) return;
  launch(kind, x.dtype, make_params(x, q, scales, e, pow2_scales), e, stream, context.get().id);
}

}  // namespace

void per_token_cast_to_fp8(const TensorView& x, const TensorView& q, const TensorView& scales, bool pow2_scales,
                           Stream stream) {
  cast_to_fp8(QuantizeKind::per_token, x, q, scales, pow2_scales, stream);
}

void per_block_cast_to_fp8(const TensorView& w, const TensorView& q, const TensorView& scales, bool pow2_scales,
                           Stream stream) {
  cast_to_fp8(QuantizeKind::per_block, w, q, scales, pow2_scales, stream);
}

}  // namespace fp8gemm
