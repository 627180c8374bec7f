// The entry points: argument checks, then config choice, kernel lookup and launch on the caller's stream.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/checks.hpp"
#include "api/memo.hpp"
#include "api/settings.hpp"
#include "common/env.hpp"
#include "common/math.hpp"
#include "fp8gemm/fp8gemm.hpp"
#include "heuristics/config.hpp"
#include "jit/kernel.hpp"
#include "jit/kernel_source.hpp"
#include "runtime/device.hpp"
#include "runtime/driver.hpp"
#include "runtime/launch.hpp"
#include "runtime/recent_cache.hpp"
#include "runtime/tma.hpp"

namespace fp8gemm {
namespace {

using heuristics::KernelConfig;

constexpr int kContiguousAlignment = 128;  // the largest BLOCK_M: a block never spans two experts
std::atomic<int> requested_sms{0};

// One GEMM launch, already checked.
struct Launch {
  Layout layout;
  const TensorView *a, *sa, *b, *sb, *d;
  int64_t rows;         // rows of A per group (M, or max_m for masked)
  int64_t groups;
  int64_t n, k;
  int64_t heuristic_m;  // M (normal, contiguous) or expected_m per group (masked)
  const int* m_indices = nullptr;
  const int* masked_m = nullptr;
  Stream stream;
};

// What a launch needs besides the operands and the stream, worked out on the first call with its key.
struct Dispatch {
  KernelConfig config;
  CUfunction kernel = nullptr;  // loaded in the key's context
  unsigned grid = 0;            // CTAs of the persistent grid
};

// Everything a Dispatch depends on: the heuristic's inputs, the settings, and the context (a CUfunction
// belongs to the context its module was loaded in). Plain values, compared and hashed cheaply.
struct DispatchKey {
  unsigned long long context_id = 0;
  Layout layout = Layout::normal;
  int64_t heuristic_m = 0, n = 0, k = 0, groups = 0;
  int num_sms = 0, smem_per_block = 0;
  const api::GemmSettings* settings = nullptr;  // one object per distinct value (api::gemm_settings)
  bool operator==(const DispatchKey&) const = default;
};

struct DispatchKeyHash {
  size_t operator()(const DispatchKey& key) const {
    size_t h = std::hash<const void*>{}(key.settings);
    for (int64_t v : {static_cast<int64_t>(key.context_id), static_cast<int64_t>(key.layout), key.heuristic_m,
                      key.n, key.k, key.groups, int64_t{key.num_sms}, int64_t{key.smem_per_block}})
      api::hash_mix(h, std::hash<int64_t>{}(v));
    return h;
  }
};

api::Memo<DispatchKey, Dispatch, DispatchKeyHash>& dispatches() {
  static api::Memo<DispatchKey, Dispatch, DispatchKeyHash> memo;
  return memo;
}

CUfunction kernel_for(const KernelConfig& c) {
  return jit::get_kernel(jit::gemm_kernel_name(c), [&] { return jit::gemm_kernel_source(c); }, c.smem_bytes);
}

// Clusters of this kernel that fit on the device at once: the persistent grid must not exceed it (a
// GPC with an odd number of free SMs cannot host a pair), or the extra clusters would run as a second
// wave.
int resident_clusters(CUfunction kernel, const CUlaunchConfig& config, const KernelConfig& c) {
  static std::mutex mutex;
  static std::map<std::pair<CUfunction, int>, int> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = known.find({kernel, c.num_sms});
  if (it != known.end()) return it->second;
  int clusters = 0;
  runtime::check(runtime::driver().OccupancyMaxActiveClusters(&clusters, kernel, &config),
                 "cuOccupancyMaxActiveClusters");
  if (env_flag("FP8GEMM_JIT_VERBOSE"))
    std::fprintf(stderr, "fp8gemm: %d clusters of %d resident for %s\n", clusters, c.cluster, c.name().c_str());
  clusters = std::max(1, std::min(clusters, c.num_sms / c.cluster));
  known.emplace(std::make_pair(kernel, c.num_sms), clusters);
  return clusters;
}

// FP8GEMM_CONFIG="BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]]" replaces the heuristic's choice (for
// tuning). ACROSS_RUN (KernelConfig::across_run; 0 when absent): K blocks per overlapped run. BAND_ROWS
// (KernelConfig::band_rows; heuristics::kDefaultBandRows, 16, when absent): m blocks per band of the tile scheduler.
void override_config(KernelConfig& c, const heuristics::DeviceFacts& facts, const std::string& v) {
  if (v.empty()) return;
  const std::vector<int> fields = heuristics::forced_config_fields(v);
  if (fields.empty())
    throw Error("FP8GEMM_CONFIG: expected BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]], got \"" + v + "\"");
  const int bm = fields[0], bn = fields[1], stages = fields[2], cluster = fields[3];
  const int across_run = fields.size() >= 5 ? fields[4] : 0;
  const int band_rows = fields.size() == 6 ? fields[5] : heuristics::kDefaultBandRows;
  const auto& bns = heuristics::block_n_candidates();
  if ((bm != 64 && bm != 128) || std::find(bns.begin(), bns.end(), bn) == bns.end() || stages < 1 ||
      (cluster != 1 && cluster != 2) || (cluster == 2 && ceil_div(c.n, bn) % 2 != 0) || across_run < 0 ||
      across_run > 8 || (across_run > 0 && stages < 2) || band_rows < 1 || band_rows > 1024)
    throw Error("FP8GEMM_CONFIG: unsupported configuration \"" + v + "\"");
  if (across_run > 0 && !k_blocks_can_overlap(bn))
    throw Error("FP8GEMM_CONFIG: \"" + v + "\": ACROSS_RUN needs BLOCK_N <= 128, 192 or 256 (a wider tile's two " +
                "scratch accumulators do not fit in registers beside its output)");
  c.block_m = bm;
  c.block_n = bn;
  c.stages = stages;
  c.cluster = cluster;
  c.across_run = across_run;
  c.band_rows = band_rows;
  heuristics::set_derived_fields(c, facts);
  if (c.smem_bytes > facts.smem_per_block)
    throw Error("FP8GEMM_CONFIG: \"" + v + "\" needs " + std::to_string(c.smem_bytes) +
                " bytes of shared memory, the device has " + std::to_string(facts.smem_per_block));
}

// The launch of config c over `grid` CTAs; `cluster` is the attribute it points to.
CUlaunchConfig launch_config(const KernelConfig& c, unsigned grid, CUstream stream, CUlaunchAttribute& cluster) {
  return runtime::cluster_launch_config(grid, static_cast<unsigned>(c.threads()), static_cast<unsigned>(c.smem_bytes),
                                        static_cast<unsigned>(c.cluster), stream, cluster);
}

// The first call with `key`: the heuristic (or FP8GEMM_CONFIG), the kernel (JIT, cache, module load)
// and the persistent grid (for clusters, no more than stay resident).
Dispatch make_dispatch(const DispatchKey& key, const heuristics::DeviceFacts& facts, CUstream stream) {
  Dispatch out;
  KernelConfig& c = out.config;
  const heuristics::Problem problem{key.layout, key.heuristic_m, key.n, key.k, key.groups};
  c = heuristics::choose_config(problem, facts);
  override_config(c, facts, key.settings->config);
  c.check_indices = key.layout == Layout::contiguous && key.settings->check_indices;
  out.kernel = kernel_for(c);
  int available = c.num_sms / c.cluster;
  if (c.cluster > 1) {
    CUlaunchAttribute cluster;
    const CUlaunchConfig config = launch_config(c, static_cast<unsigned>(c.num_sms), stream, cluster);
    available = resident_clusters(out.kernel, config, c);
  }
  out.grid = static_cast<unsigned>(heuristics::grid_clusters(c, problem, available) * c.cluster);
  if (env_flag("FP8GEMM_JIT_VERBOSE"))
    std::fprintf(stderr, "fp8gemm: %s for m=%lld on %u CTAs\n", c.name().c_str(),
                 static_cast<long long>(key.heuristic_m), out.grid);
  return out;
}

// A checked call, ready for cuLaunchKernelEx in the context it was prepared in.
struct PreparedCall {
  unsigned long long context_id = 0;
  CUfunction kernel = nullptr;  // null: nothing to launch (no rows or no groups)
  unsigned grid = 0;
  KernelConfig config;
  CUtensorMap tma_a{}, tma_b{}, tma_d{};
  GemmParams params{};
};

PreparedCall prepare(const Launch& L, api::CallContext& context) {
  const runtime::DeviceInfo& dev = api::hopper_device(context);
  PreparedCall call;
  call.context_id = context.get().id;
  if (L.rows == 0 || L.groups == 0) return call;

  heuristics::DeviceFacts facts;
  const int requested = requested_sms.load();
  facts.num_sms = requested > 0 ? std::min(requested, dev.sm_count) : dev.sm_count;
  facts.smem_per_block = dev.smem_per_block_optin;
  const DispatchKey key{context.get().id, L.layout, L.heuristic_m, L.n, L.k, L.groups, facts.num_sms,
                        facts.smem_per_block, &api::gemm_settings()};
  const CUstream stream = reinterpret_cast<CUstream>(L.stream);
  // The thread's previous dispatch first: a layer called again and again skips the shared map's lock.
  thread_local std::optional<std::pair<DispatchKey, Dispatch>> last;
  if (!last || !(last->first == key)) {
    Dispatch found;
    if (!dispatches().find(key, found)) {
      found = make_dispatch(key, facts, stream);
      dispatches().insert(key, found);
    }
    last.emplace(key, found);
  }
  const Dispatch& dispatch = last->second;
  const KernelConfig& c = dispatch.config;

  call.kernel = dispatch.kernel;
  call.grid = dispatch.grid;
  call.config = c;
  const int64_t a_rows = L.layout == Layout::masked ? L.groups * L.rows : L.rows;
  call.tma_a = runtime::make_fp8_tile_map(L.a->data, a_rows, L.k, L.a->stride[L.a->ndim - 2], c.block_m / c.cluster);
  call.tma_b = runtime::make_fp8_tile_map(L.b->data, L.groups * L.n, L.k, L.b->stride[L.b->ndim - 2], c.block_n);
  // Only the kernels that store D with TMA read this one: D as [groups, rows, N] (masked) or [1, M, N].
  // A single group's stride is free in the tensor; any value TMA takes will do there.
  const int64_t d_row_stride = L.d->stride[L.d->ndim - 2] * 2;
  const int64_t d_groups = L.layout == Layout::masked ? L.groups : 1;
  const int64_t d_group_stride = d_groups > 1 ? L.d->stride[0] * 2 : L.rows * d_row_stride;
  if (c.tma_store())
    call.tma_d = runtime::make_bf16_tile_map(L.d->data, d_groups, L.rows, L.n, d_row_stride, d_group_stride, 64);

  GemmParams& params = call.params;
  params.m = static_cast<int>(L.rows);
  params.groups = static_cast<int>(L.groups);
  const TensorView& sa = *L.sa;
  params.sa = static_cast<const float*>(sa.data);
  params.sa_stride_g = sa.ndim == 3 ? sa.stride[0] : 0;
  params.sa_stride_m = sa.stride[sa.ndim - 2];
  params.sa_stride_k = sa.stride[sa.ndim - 1];
  params.sb = static_cast<const float*>(L.sb->data);
  params.d = L.d->data;
  params.d_stride_g = L.d->ndim == 3 ? L.d->stride[0] : 0;
  params.d_stride_m = L.d->stride[L.d->ndim - 2];
  params.m_indices = L.m_indices;
  params.masked_m = L.masked_m;
  return call;
}

void launch(const PreparedCall& call, Stream stream) {
  if (call.kernel == nullptr) return;
  CUlaunchAttribute cluster;
  const CUlaunchConfig config = launch_config(call.config, call.grid, reinterpret_cast<CUstream>(stream), cluster);
  void* args[] = {const_cast<CUtensorMap*>(&call.tma_a), const_cast<CUtensorMap*>(&call.tma_b),
                  const_cast<CUtensorMap*>(&call.tma_d), const_cast<GemmParams*>(&call.params)};
  runtime::check(runtime::driver().LaunchKernelEx(&config, call.kernel, args, nullptr), "cuLaunchKernelEx (fp8gemm)");
}

// A warm call: the same arguments as one of this thread's recent calls (every field of every view, the
// layout's scalar, the stream) under the same settings, SM count and context is launched again as that
// call was prepared, without its checks, look-ups and parameter building: they would give the same
// answers. Only for views whose device is given: for the others the checks ask the driver where the
// memory is, and a freed and reused address could have moved. The context is compared after the key
// matched (PreparedCall::context_id), so that a call with new arguments is checked before anything asks
// the driver, as the cold path does.
struct CallKey {
  Layout layout = Layout::normal;
  std::array<TensorView, 6> views{};  // a, sa, b, sb, d, and m_indices or masked_m (or an empty view)
  int64_t expected_m = 0;
  Stream stream = 0;
  const api::GemmSettings* settings = nullptr;
  int requested_sms = 0;

  bool operator==(const CallKey& o) const {
    if (layout != o.layout || expected_m != o.expected_m || stream != o.stream || settings != o.settings ||
        requested_sms != o.requested_sms)
      return false;
    for (size_t i = 0; i < views.size(); ++i) {
      const TensorView &x = views[i], &y = o.views[i];
      if (x.data != y.data || x.dtype != y.dtype || x.ndim != y.ndim || x.device != y.device) return false;
      for (int d = 0; d < 3; ++d)
        if (x.shape[d] != y.shape[d] || x.stride[d] != y.stride[d]) return false;
    }
    return true;
  }
};

// The pointers spread the keys over the cache's sets; the comparison does the rest.
struct CallKeyHash {
  size_t operator()(const CallKey& key) const {
    const auto address = [&](int i) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key.views[i].data)); };
    return runtime::recent_cache_hash({static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key.stream)), address(0), address(1), address(2), address(3), address(4),
                                       address(5), static_cast<uint64_t>(key.views[0].shape[0])});
  }
};

// Checks and prepares the call (`checked` runs the entry point's checks and returns its Launch) and
// launches it, or launches the thread's prepared copy of the same call (CallKey). 64 calls per thread:
// a model's layers in turn. A call that fails its checks is not kept; one whose arguments were last
// prepared in another context is prepared again and not kept.
template <class Checked>
void run(Layout layout, std::initializer_list<const TensorView*> views, int64_t expected_m, Stream stream,
         api::CallContext& context, Checked&& checked) {
  auto prepare_call = [&] { return prepare(checked(), context); };
  bool warm = true;
  for (const TensorView* v : views) warm = warm && v->device != kDeviceUnknown;
  if (!warm) return launch(prepare_call(), stream);
  CallKey key;
  key.layout = layout;
  size_t i = 0;
  for (const TensorView* v : views) key.views[i++] = *v;
  key.expected_m = expected_m;
  key.stream = stream;
  key.settings = &api::gemm_settings();
  key.requested_sms = requested_sms.load();
  thread_local runtime::RecentCache<CallKey, PreparedCall, CallKeyHash, 16, 4> recent;
  const PreparedCall& call = recent.get(key, prepare_call);
  if (call.context_id == context.get().id) return launch(call, stream);
  launch(prepare_call(), stream);
}

// Checks shared by the three layouts. `g` is the group count (0 = no group dimension).
void check_operands(const TensorView& a, const TensorView& sa, const TensorView& b, const TensorView& sb,
                    const TensorView& d, int64_t g, bool grouped_a, int64_t m, int64_t n, int64_t k,
                    api::CallContext& context) {
  const int64_t kb = ceil_div(k, 128), nb = ceil_div(n, 128);
  api::check_problem(n, k);
  if (grouped_a) {
    api::check_shape(a, "a", {g, m, k}, "[G, max_m, K]");
    api::check_shape(sa, "sa", {g, m, kb}, "[G, max_m, ceil(K/128)]");
    api::check_shape(d, "d", {g, m, n}, "[G, max_m, N]");
  } else {
    api::check_shape(a, "a", {m, k}, "[M, K]");
    api::check_shape(sa, "sa", {m, kb}, "[M, ceil(K/128)]");
    api::check_shape(d, "d", {m, n}, "[M, N]");
  }
  if (g > 0) {
    api::check_shape(b, "b", {g, n, k}, "[G, N, K]");
    api::check_shape(sb, "sb", {g, nb, kb}, "[G, ceil(N/128), ceil(K/128)]");
  } else {
    api::check_shape(b, "b", {n, k}, "[N, K]");
    api::check_shape(sb, "sb", {nb, kb}, "[ceil(N/128), ceil(K/128)]");
  }
  api::check_dtype(a, "a", DType::e4m3);
  api::check_dtype(sa, "sa", DType::f32);
  api::check_dtype(b, "b", DType::e4m3);
  api::check_dtype(sb, "sb", DType::f32);
  api::check_dtype(d, "d", DType::bf16);
  // TMA reads A and B: rows 16-byte aligned, one uniform row stride over the groups.
  api::check_rows(a, "a", 16);
  api::check_rows(b, "b", 16);
  if (grouped_a && g > 1 && m > 0 && a.stride[0] != m * a.stride[1])
    throw Error("a: the groups must be packed (stride[0] == max_m * stride[1])");
  if (g > 1 && b.stride[0] != n * b.stride[1]) throw Error("b: the groups must be packed (stride[0] == N * stride[1])");
  api::check_alignment(a, "a", 16);
  api::check_alignment(b, "b", 16);
  if (!api::scale_layout_ok(sa))
    throw Error("sa: must be row-major (stride 1 over K blocks) or MN-major (stride 1 over rows), got strides " +
                std::to_string(sa.stride[sa.ndim - 2]) + ", " + std::to_string(sa.stride[sa.ndim - 1]));
  api::check_alignment(sa, "sa", 4);
  api::check_contiguous(sb, "sb");
  api::check_alignment(sb, "sb", 4);
  // D is written 16 bytes at a time.
  api::check_rows(d, "d", 8);
  api::check_alignment(d, "d", 16);
  for (auto [t, name] : {std::pair{&a, "a"}, {&sa, "sa"}, {&b, "b"}, {&sb, "sb"}, {&d, "d"}})
    api::check_on_device(*t, name, context);
}

void check_index_tensor(const TensorView& t, const char* name, int64_t size, const char* dims,
                        api::CallContext& context) {
  api::check_dtype(t, name, DType::i32);
  api::check_shape(t, name, {size}, dims);
  api::check_contiguous(t, name);
  api::check_alignment(t, name, 4);
  api::check_on_device(t, name, context);
}

}  // namespace

void fp8_gemm_nt(const TensorView& a, const TensorView& sa, const TensorView& b, const TensorView& sb,
                 const TensorView& d, Stream stream) {
  if (a.ndim != 2) throw Error("a: must have 2 dimensions [M, K], got " + api::shape_string(a));
  if (b.ndim != 2) throw Error("b: must have 2 dimensions [N, K], got " + api::shape_string(b));
  const int64_t m = a.shape[0], k = a.shape[1], n = b.shape[0];
  api::CallContext context;
  run(Layout::normal, {&a, &sa, &b, &sb, &d}, 0, stream, context, [&] {
    check_operands(a, sa, b, sb, d, 0, false, m, n, k, context);
    return Launch{Layout::normal, &a, &sa, &b, &sb, &d, m, 1, n, k, m, nullptr, nullptr, stream};
  });
}

void m_grouped_fp8_gemm_nt_contiguous(const TensorView& a, const TensorView& sa, const TensorView& b,
                                      const TensorView& sb, const TensorView& d, const TensorView& m_indices,
                                      Stream stream) {
  if (a.ndim != 2) throw Error("a: must have 2 dimensions [M, K], got " + api::shape_string(a));
  if (b.ndim != 3) throw Error("b: must have 3 dimensions [G, N, K], got " + api::shape_string(b));
  const int64_t m = a.shape[0], k = a.shape[1], g = b.shape[0], n = b.shape[1];
  if (g < 1) throw Error("b: the group count (b.shape[0]) must be at least 1");
  api::CallContext context;
  run(Layout::contiguous, {&a, &sa, &b, &sb, &d, &m_indices}, 0, stream, context, [&] {
    check_operands(a, sa, b, sb, d, g, false, m, n, k, context);
    check_index_tensor(m_indices, "m_indices", m, "[M]", context);
    return Launch{Layout::contiguous, &a, &sa, &b, &sb, &d, m, g, n, k, m, static_cast<const int*>(m_indices.data),
                  nullptr, stream};
  });
}

void m_grouped_fp8_gemm_nt_masked(const TensorView& a, const TensorView& sa, const TensorView& b,
                                  const TensorView& sb, const TensorView& d, const TensorView& masked_m,
                                  int64_t expected_m, Stream stream) {
  if (a.ndim != 3) throw Error("a: must have 3 dimensions [G, max_m, K], got " + api::shape_string(a));
  if (b.ndim != 3) throw Error("b: must have 3 dimensions [G, N, K], got " + api::shape_string(b));
  const int64_t g = a.shape[0], max_m = a.shape[1], k = a.shape[2], n = b.shape[1];
  if (expected_m < 0) throw Error("expected_m: must be >= 0, got " + std::to_string(expected_m));
  api::CallContext context;
  run(Layout::masked, {&a, &sa, &b, &sb, &d, &masked_m}, expected_m, stream, context, [&] {
    check_operands(a, sa, b, sb, d, g, true, max_m, n, k, context);
    check_index_tensor(masked_m, "masked_m", g, "[G]", context);
    const int64_t hint = std::clamp<int64_t>(expected_m, 1, std::max<int64_t>(max_m, 1));
    return Launch{Layout::masked, &a, &sa, &b, &sb, &d, max_m, g, n, k, hint, nullptr,
                  static_cast<const int*>(masked_m.data), stream};
  });
}

void set_num_sms(int num_sms) {
  if (num_sms < 0) throw Error("num_sms: must be >= 0 (0 = all SMs), got " + std::to_string(num_sms));
  requested_sms.store(num_sms);
}

int get_num_sms() {
  const int requested = requested_sms.load();
  const int device = runtime::current_device_info().sm_count;
  return requested > 0 ? std::min(requested, device) : device;
}

int get_m_alignment_for_contiguous_layout() { return kContiguousAlignment; }

int64_t get_tma_aligned_size(int64_t x, int64_t element_size) {
  if (element_size <= 0 || 16 % element_size != 0)
    throw Error("element_size: must divide 16 (1, 2, 4, 8 or 16), got " + std::to_string(element_size));
  if (x < 0) throw Error("x: must be >= 0, got " + std::to_string(x));
  const int64_t alignment = 16 / element_size;
  return ceil_div(x, alignment) * alignment;
}

}  // namespace fp8gemm
