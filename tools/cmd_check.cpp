// `fp8gemm check`: the correctness sweep on a Hopper GPU. The 18 DeepSeek-V3 shapes with both sa
// layouts, random normal shapes, and random contiguous and masked grouped problems, over both sa layouts
// and both D layouts (contiguous, padded rows); every output is poisoned before the run, guarded, and
// compared with a double-precision reference.
// Exit status: 0 when every case passed, 1 otherwise, 2 without a Hopper GPU.
#include <CLI/CLI.hpp>
#include <cuda_runtime_api.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "shape_option.hpp"
#include "support/cuda_check.hpp"
#include "support/device_info.hpp"
#include "support/random_cases.hpp"
#include "support/precompile.hpp"
#include "support/random_operands.hpp"
#include "support/verify.hpp"

namespace fp8gemm::tools {
namespace {

struct CheckOptions {
  std::vector<std::string> shapes;
  int random = 300;
  int grouped = 50;
  uint64_t seed = 1;
  bool verbose = false;
};

struct Tally {
  const char* name;
  int passed = 0, failed = 0;
  double worst_diff = 0;
};

std::string describe_rows(const std::vector<int64_t>& rows) {
  std::string text;
  for (size_t i = 0; i < rows.size() && i < 8; ++i) text += (i ? "," : "") + std::to_string(rows[i]);
  return rows.size() > 8 ? text + ",..." : text;
}

std::string describe_rows(const std::vector<int32_t>& rows) {
  return describe_rows(std::vector<int64_t>(rows.begin(), rows.end()));
}

class Sweep {
 public:
  Sweep(cudaStream_t stream, bool verbose)
      : stream_(stream), verbose_(verbose), start_(std::chrono::steady_clock::now()) {}

  // Runs one case and records it; false when the CUDA context is broken and nothing more can run.
  template <class Problem>
  bool run(Tally& tally, const Problem& problem, const std::string& what) {
    const support::CheckResult result = support::run_and_check(problem, stream_, reference_);
    if (result.passed) {
      ++tally.passed;
      if (result.diff > tally.worst_diff) tally.worst_diff = result.diff;
      if (verbose_) std::printf("ok    %-10s %s  diff %.2e\n", tally.name, what.c_str(), result.diff);
    } else {
      ++tally.failed;
      std::printf("FAIL  %-10s %s: %s\n", tally.name, what.c_str(), result.failure.c_str());
    }
    if (!verbose_ && ++cases_ % 50 == 0)
      std::printf("... %d cases done (%.0f s)\n", cases_,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    std::fflush(stdout);
    // An illegal address or a trap leaves the context unusable: every later case would fail the same way.
    const cudaError_t sticky = cudaDeviceSynchronize();
    if (sticky != cudaSuccess) {
      std::printf("fp8gemm check: the CUDA context is broken (%s); stopping\n", cudaGetErrorString(sticky));
      return false;
    }
    return true;
  }

 private:
  cudaStream_t stream_;
  bool verbose_;
  std::chrono::steady_clock::time_point start_;
  int cases_ = 0;
  support::GpuReference reference_;
};

// One case of the sweep, described before anything is generated so that its kernel can be compiled
// ahead of the run.
struct Case {
  enum class Kind { normal, contiguous, masked } kind = Kind::normal;
  support::NormalShape shape{};
  support::ContiguousCase contiguous;
  support::MaskedCase masked;
  support::Layouts layouts;
  uint64_t seed = 0;

  support::KernelUse kernel_use() const {
    using heuristics::Layout;
    switch (kind) {
      case Kind::normal: return {Layout::normal, shape.m, shape.n, shape.k, 1};
      case Kind::contiguous:
        return {Layout::contiguous, support::contiguous_total_rows(contiguous.group_rows), contiguous.n, contiguous.k,
                static_cast<int64_t>(contiguous.group_rows.size())};
      case Kind::masked:
        return {Layout::masked, support::masked_expected_m(masked.masked_m, masked.max_m), masked.n, masked.k,
                masked.groups};
    }
    return {};
  }

  std::string describe() const {
    std::string text;
    switch (kind) {
      case Kind::normal:
        text = "M=" + std::to_string(shape.m) + " N=" + std::to_string(shape.n) + " K=" + std::to_string(shape.k);
        break;
      case Kind::contiguous:
        text = "G=" + std::to_string(contiguous.group_rows.size()) + " rows " + describe_rows(contiguous.group_rows) +
               " N=" + std::to_string(contiguous.n) + " K=" + std::to_string(contiguous.k);
        break;
      case Kind::masked:
        text = "G=" + std::to_string(masked.groups) + " max_m=" + std::to_string(masked.max_m) + " masked_m " +
               describe_rows(masked.masked_m) + " N=" + std::to_string(masked.n) + " K=" + std::to_string(masked.k);
        break;
    }
    return text + " " + support::describe(layouts);
  }
};

Case normal_case(const support::NormalShape& shape) {
  Case c;
  c.shape = shape;
  return c;
}

// Shapes from the command line (each in every layout combination), or the full sweep: the suite shapes
// with both sa layouts (and both D layouts), then the random cases, taking the layout combinations in turn.
std::vector<Case> plan_cases(const CheckOptions& options) {
  std::vector<Case> cases;
  uint64_t index = 0;
  auto add = [&](Case c, const support::Layouts& layouts) {
    c.layouts = layouts;
    c.seed = support::derive_seed(options.seed, index++);
    cases.push_back(std::move(c));
  };
  if (!options.shapes.empty()) {
    for (const auto& text : options.shapes)
      for (const support::Layouts& layouts : support::kAllLayouts)
        add(normal_case(support::parse_shape(text)), layouts);
    return cases;
  }
  for (const auto& s : support::deepseek_v3_shapes())
    for (int l = 0; l < 2; ++l) add(normal_case(s), support::kAllLayouts[l]);
  support::CaseSampler sampler(options.seed);
  for (int i = 0; i < options.random; ++i) add(normal_case(sampler.normal()), support::kAllLayouts[i % 4]);
  for (int i = 0; i < options.grouped; ++i) {
    Case c;
    c.kind = Case::Kind::contiguous;
    c.contiguous = sampler.contiguous();
    add(std::move(c), support::kAllLayouts[i % 4]);
  }
  for (int i = 0; i < options.grouped; ++i) {
    Case c;
    c.kind = Case::Kind::masked;
    c.masked = sampler.masked();
    add(std::move(c), support::kAllLayouts[i % 4]);
  }
  return cases;
}

// Runs the cases one by one (each generates its operands, runs, and is checked); false when the sweep
// had to stop because the CUDA context broke.
bool run_cases(const std::vector<Case>& cases, bool verbose, Tally& normal, Tally& contiguous, Tally& masked) {
  cudaStream_t stream = nullptr;
  FP8GEMM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  Sweep sweep(stream, verbose);
  bool alive = true;
  for (size_t i = 0; i < cases.size() && alive; ++i) {
    const Case& c = cases[i];
    switch (c.kind) {
      case Case::Kind::normal:
        alive = sweep.run(normal, support::make_normal_problem(c.shape.m, c.shape.n, c.shape.k, c.layouts, c.seed),
                          c.describe());
        break;
      case Case::Kind::contiguous:
        alive = sweep.run(contiguous,
                          support::make_contiguous_problem(c.contiguous.group_rows, c.contiguous.n, c.contiguous.k,
                                                           c.layouts, c.seed),
                          c.describe());
        break;
      case Case::Kind::masked:
        alive = sweep.run(masked,
                          support::make_masked_problem(c.masked.groups, c.masked.max_m, c.masked.masked_m, c.masked.n,
                                                       c.masked.k, c.layouts, c.seed),
                          c.describe());
        break;
    }
  }
  cudaStreamDestroy(stream);
  return alive;
}

void run_check(const CheckOptions& options) {
  std::string reason;
  if (!support::hopper_available(&reason)) {
    std::cerr << "fp8gemm check: no Hopper GPU: " << reason << "\n";
    throw CLI::RuntimeError(2);
  }
  const support::DeviceInfo device = support::current_device_info();
  if (options.shapes.empty())
    std::printf("fp8gemm check on %s (%d SMs): 18 suite shapes x 2 sa layouts, %d random shapes, %d contiguous "
                "and %d masked grouped cases, seed %llu, pass when diff < %.0e\n",
                device.name.c_str(), device.sm_count, options.random, options.grouped, options.grouped,
                static_cast<unsigned long long>(options.seed), support::kDiffTolerance);
  else
    std::printf("fp8gemm check on %s (%d SMs): %zu shapes x 4 layouts, pass when diff < %.0e\n", device.name.c_str(),
                device.sm_count, options.shapes.size(), support::kDiffTolerance);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<Case> cases = plan_cases(options);
  std::vector<support::KernelUse> uses;
  for (const Case& c : cases) uses.push_back(c.kernel_use());
  const support::PrecompileSummary built = support::precompile(uses);
  std::printf("kernels: %d needed, %d compiled, %d from the cache, %d failed to compile, %.0f s\n", built.kernels,
              built.compiled, built.cached, built.failed, built.seconds);
  Tally normal{"normal"}, contiguous{"contiguous"}, masked{"masked"};
  const bool completed = run_cases(cases, options.verbose, normal, contiguous, masked);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int failed = 0, passed = 0;
  for (const Tally* t : {&normal, &contiguous, &masked}) {
    std::printf("%-10s %4d passed, %d failed, worst passing diff %.2e\n", t->name, t->passed, t->failed,
                t->worst_diff);
    failed += t->failed;
    passed += t->passed;
  }
  if (failed == 0 && completed) {
    std::printf("fp8gemm check: all %d cases passed in %.0f s\n", passed, seconds);
    return;
  }
  std::printf("fp8gemm check: %d of %d cases failed%s (%.0f s)\n", failed, failed + passed,
              completed ? "" : ", sweep stopped early", seconds);
  throw CLI::RuntimeError(1);
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Correctness sweep on the GPU against a double-precision reference");
  cmd->add_option("--shape", options->shapes, "M,N,K (repeatable): check only these normal shapes, in every sa and "
                                              "D layout")
      ->check(shape_validator());
  cmd->add_option("--random", options->random, "random normal shapes (besides the 18 suite shapes)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--grouped", options->grouped, "random cases of each grouped layout (contiguous, masked)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "seed of the shapes and operands")->capture_default_str();
  cmd->add_flag("-v,--verbose", options->verbose, "print every case, not only failures");
  cmd->callback([options] { run_check(*options); });
}

}  // namespace fp8gemm::tools
