#include "jit/ahead_of_time.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/cache.hpp"
#include "jit/kernel_source.hpp"
#include "jit/quantize_source.hpp"

namespace fp8gemm {
namespace {

using heuristics::Layout;

std::string describe(const LayerSpec& l) {
  std::string s = std::string(heuristics::layout_name(l.layout)) + ":" + std::to_string(l.n) + ":" + std::to_string(l.k);
  return l.layout == Layout::normal ? s : s + ":" + std::to_string(l.groups);
}

// The rules the GEMM entry points apply to N, K and the group count, checked up front so that no
// kernel is built for a shape no call could use.
void check_layer(const LayerSpec& l, const std::string& where) {
  if (l.n < 8 || l.n % 8 != 0) throw Error(where + ": N = " + std::to_string(l.n) + " must be >= 8 and a multiple of 8");
  if (l.k < 16 || l.k % 16 != 0)
    throw Error(where + ": K = " + std::to_string(l.k) + " must be >= 16 and a multiple of 16");
  if (l.n > INT32_MAX || l.k > INT32_MAX) throw Error(where + ": N and K must fit in 32 bits");
  if (l.layout == Layout::normal && l.groups != 1) throw Error(where + ": a normal layer has exactly one group");
  if (l.groups < 1) throw Error(where + ": groups = " + std::to_string(l.groups) + " must be >= 1");
}

int64_t parse_int(const std::string& field, const std::string& what, const std::string& text) {
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(field, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (field.empty() || used != field.size())
    throw Error("layer \"" + text + "\": " + what + " \"" + field + "\" is not an integer");
  return v;
}

}  // namespace

LayerSpec parse_layer(const std::string& text) {
  std::vector<std::string> fields;
  std::stringstream in(text);
  for (std::string f; std::getline(in, f, ':');) fields.push_back(f);
  if (!text.empty() && text.back() == ':') fields.push_back("");
  const std::string usage = "; expected normal:N:K, contiguous:N:K:G or masked:N:K:G";
  if (fields.empty()) throw Error("layer \"" + text + "\" is empty" + usage);

  LayerSpec l;
  if (fields[0] == "normal") l.layout = Layout::normal;
  else if (fields[0] == "contiguous") l.layout = Layout::contiguous;
  else if (fields[0] == "masked") l.layout = Layout::masked;
  else throw Error("layer \"" + text + "\": unknown layout \"" + fields[0] + "\"" + usage);

  size_t expected = l.layout == Layout::normal ? 3 : 4;
  if (fields.size() != expected)
    throw Error("layer \"" + text + "\": a " + fields[0] + " layer has " + std::to_string(expected - 1) +
                " numbers" + usage);
  l.n = parse_int(fields[1], "N", text);
  l.k = parse_int(fields[2], "K", text);
  if (expected == 4) l.groups = parse_int(fields[3], "G", text);
  check_layer(l, "layer \"" + text + "\"");
  return l;
}

std::vector<LayerSpec> read_layer_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("layer file " + path + " cannot be read");
  std::vector<LayerSpec> layers;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty() || line[0] == '#') continue;
    try {
      layers.push_back(parse_layer(line));
    } catch (const Error& e) {
      throw Error(path + ":" + std::to_string(line_number) + ": " + e.what());
    }
  }
  return layers;
}

std::vector<std::string> layer_suite_names() { return {"deepseek-v3"}; }

std::vector<LayerSpec> layer_suite(const std::string& name) {
  if (name != "deepseek-v3") throw Error("suite \"" + name + "\" is not a built-in suite (known: deepseek-v3)");
  // The dense projections of DeepSeek-V3, then its expert GEMMs (gate/up fused, down) under both
  // MoE layouts. The group count is part of the layer but not of any kernel's constants.
  std::vector<LayerSpec> layers;
  for (auto [n, k] : {std::pair<int64_t, int64_t>{2112, 7168}, {24576, 1536}, {32768, 512}, {7168, 16384},
                      {4096, 7168}, {7168, 2048}})
    layers.push_back({Layout::normal, n, k, 1});
  for (Layout layout : {Layout::contiguous, Layout::masked})
    for (auto [n, k] : {std::pair<int64_t, int64_t>{4096, 7168}, {7168, 2048}}) layers.push_back({layout, n, k, 8});
  return layers;
}

CompileSummary compile_ahead_of_time(const CompileRequest& request,
                                     const std::function<void(const CompiledKernel&, int, int)>& on_kernel) {
  if (request.layers.empty()) throw Error("layers: nothing to compile (give at least one layer)");
  for (size_t i = 0; i < request.layers.size(); ++i)
    check_layer(request.layers[i], "layers[" + std::to_string(i) + "] (" + describe(request.layers[i]) + ")");
  if (request.m_min < 1) throw Error("m_min = " + std::to_string(request.m_min) + " must be >= 1");
  if (request.m_max < request.m_min)
    throw Error("m_max = " + std::to_string(request.m_max) + " must be >= m_min = " + std::to_string(request.m_min));
  if (request.num_sms < 1 || request.num_sms > 1024)
    throw Error("num_sms = " + std::to_string(request.num_sms) + " must be in 1..1024");
  if (request.jobs < 0) throw Error("jobs = " + std::to_string(request.jobs) + " must be >= 0 (0 = one per core)");

  // Every distinct GEMM kernel (the name covers every compile-time constant), then the quantizers,
  // which any layer's activations may go through.
  heuristics::DeviceFacts device;
  device.num_sms = request.num_sms;
  struct Job {
    std::string name, source;
  };
  std::vector<Job> configs;
  std::set<std::string> names;
  for (const LayerSpec& l : request.layers)
    for (const auto& c : heuristics::configs_for_range(l.layout, l.n, l.k, l.groups, request.m_min, request.m_max, device))
      if (names.insert(jit::gemm_kernel_name(c)).second) configs.push_back({jit::gemm_kernel_name(c), jit::gemm_kernel_source(c)});
  for (const jit::QuantizeVariant& v : jit::quantize_variants())
    configs.push_back({jit::quantize_kernel_name(v), jit::quantize_kernel_source(v)});

  auto start = std::chrono::steady_clock::now();
  CompileSummary summary;
  std::mutex mutex;  // guards summary and callback_error, serializes on_kernel
  std::exception_ptr callback_error;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < configs.size();) {
      CompiledKernel k;
      k.name = configs[i].name;
      try {
        jit::CubinLookup found = jit::lookup_cubin(configs[i].source, request.arch, k.name);
        k.cached = found.origin != jit::CubinOrigin::compiler;
        k.seconds = found.seconds;
      } catch (const std::exception& e) {
        k.error = e.what();
      }
      std::lock_guard<std::mutex> lock(mutex);
      (k.error.empty() ? (k.cached ? summary.cached : summary.compiled) : summary.failed)++;
      summary.kernels.push_back(k);
      if (!on_kernel || callback_error) continue;
      try {
        on_kernel(k, static_cast<int>(summary.kernels.size()), static_cast<int>(configs.size()));
      } catch (...) {
        // The caller wants out (e.g. Ctrl-C in Python): stop handing out kernels, rethrow after the join.
        callback_error = std::current_exception();
        next = configs.size();
      }
    }
  };
  unsigned jobs = request.jobs > 0 ? static_cast<unsigned>(request.jobs) : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(configs.size()));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (callback_error) std::rethrow_exception(callback_error);

  if (summary.failed > 0) {
    auto first = std::find_if(summary.kernels.begin(), summary.kernels.end(), [](const CompiledKernel& k) { return !k.error.empty(); });
    throw Error(std::to_string(summary.failed) + " of " + std::to_string(configs.size()) +
                " kernels failed to compile; the first, " + first->name + ":\n" + first->error);
  }
  return summary;
}

}  // namespace fp8gemm
