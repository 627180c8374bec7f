// Ahead-of-time compilation: fill the kernel cache with every kernel the heuristics can pick for a
// list of layers and a range of M, and the quantization kernels, on any machine (no GPU needed). Shared by `fp8gemm compile` and
// the Python package's fp8gemm.compile(...).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "heuristics/config.hpp"

namespace fp8gemm {

// One layer: a GEMM shape as the model runs it (groups = 1 for normal).
struct LayerSpec {
  heuristics::Layout layout = heuristics::Layout::normal;
  int64_t n = 0, k = 0, groups = 1;
};

// "normal:N:K", "contiguous:N:K:G" or "masked:N:K:G"; throws fp8gemm::Error quoting the text.
LayerSpec parse_layer(const std::string& text);

// One layer per line in that syntax; blank lines and lines starting with '#' are skipped.
std::vector<LayerSpec> read_layer_file(const std::string& path);

// A built-in list of layers: "deepseek-v3".
std::vector<LayerSpec> layer_suite(const std::string& name);
std::vector<std::string> layer_suite_names();

struct CompileRequest {
  std::vector<LayerSpec> layers;
  int64_t m_min = 1, m_max = 16384;
  std::string arch = "sm_90a";
  int num_sms = 132;      // SMs of the target GPU (the heuristics depend on it)
  int jobs = 0;           // compiler threads; 0 = one per core
};

struct CompiledKernel {
  std::string name;
  bool cached = false;   // found in the memory or disk cache: nothing compiled
  double seconds = 0.0;  // compile (or cache load) time
  std::string error;     // non-empty when it failed
};

struct CompileSummary {
  std::vector<CompiledKernel> kernels;  // in the order they finished
  int compiled = 0, cached = 0, failed = 0;
  double seconds = 0.0;  // wall time of the whole run
};

// Compiles every config of every layer and every quantization kernel, `jobs` at a time. `on_kernel` (optional) is called after
// each kernel, one call at a time, with its result and how many are done out of how many. Throws
// fp8gemm::Error for bad requests before compiling anything, and after the run when any kernel
// failed (naming the first failure); kernels that compiled stay cached.
CompileSummary compile_ahead_of_time(
    const CompileRequest& request,
    const std::function<void(const CompiledKernel&, int done, int total)>& on_kernel = {});

}  // namespace fp8gemm
