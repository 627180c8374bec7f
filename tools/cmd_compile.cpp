// `fp8gemm compile`: fill the kernel cache ahead of time for a list of layers and a range of M, on any
// machine (no GPU needed), so that a server never compiles on its first request.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "commands.hpp"
#include "jit/ahead_of_time.hpp"
#include "jit/cache.hpp"
#include "jit/compiler.hpp"
#include "support/run_info.hpp"

namespace fp8gemm::tools {
namespace {

struct CompileOptions {
  std::vector<std::string> layers, files, suites;
  CompileRequest request;
  bool quiet = false;
  std::string json_path;
};

// The run as a record for bench/results/: where and with what it ran, every kernel and its time.
void write_json(const std::string& path, const CompileRequest& request, const CompileSummary& summary) {
  nlohmann::json kernels = nlohmann::json::array();
  for (const CompiledKernel& k : summary.kernels)
    kernels.push_back({{"name", k.name}, {"cached", k.cached}, {"seconds", k.seconds}});
  nlohmann::json record = {
      {"command_line", support::command_line()},
      {"date", support::utc_now()},
      {"git_commit", support::git_commit()},
      {"host_cores", std::thread::hardware_concurrency()},
      {"compiler", jit::compiler_id()},
      {"compiler_options", jit::compiler_options(request.arch)},
      {"nvrtc_own_cache", jit::nvrtc_own_cache()},
      {"arch", request.arch},
      {"num_sms", request.num_sms},
      {"m_min", request.m_min},
      {"m_max", request.m_max},
      {"jobs", request.jobs},
      {"compiled", summary.compiled},
      {"cached", summary.cached},
      {"wall_seconds", summary.seconds},
      {"kernels", kernels},
  };
  std::ofstream out(path);
  out << record.dump(2) << "\n";
  if (!out) throw std::runtime_error("--json " + path + ": cannot write the file");
}

void run_compile(const CompileOptions& o) {
  CompileRequest request = o.request;
  for (const std::string& s : o.suites)
    for (const LayerSpec& l : layer_suite(s)) request.layers.push_back(l);
  for (const std::string& f : o.files)
    for (const LayerSpec& l : read_layer_file(f)) request.layers.push_back(l);
  for (const std::string& text : o.layers) request.layers.push_back(parse_layer(text));
  if (request.layers.empty()) throw CLI::ValidationError("compile", "give layers with --layer, --file or --suite");

  std::string dir = jit::cache_dir();
  std::printf("fp8gemm compile: %zu layer(s), M in [%lld, %lld], %s, %d SMs, %s (NVRTC's own cache: %s), cache %s\n",
              request.layers.size(), static_cast<long long>(request.m_min), static_cast<long long>(request.m_max),
              request.arch.c_str(), request.num_sms, jit::compiler_id().c_str(), jit::nvrtc_own_cache().c_str(),
              dir.empty() ? "(none)" : dir.c_str());
  std::fflush(stdout);

  CompileSummary summary = compile_ahead_of_time(request, [&](const CompiledKernel& k, int done, int total) {
    if (!k.error.empty()) {
      std::printf("[%*d/%d] FAILED    %s\n", static_cast<int>(std::to_string(total).size()), done, total, k.name.c_str());
    } else if (!o.quiet) {
      std::printf("[%*d/%d] %-9s %-56s %8.1f ms\n", static_cast<int>(std::to_string(total).size()), done, total,
                  k.cached ? "cached" : "compiled", k.name.c_str(), k.seconds * 1e3);
    }
    std::fflush(stdout);
  });

  double compile_seconds = 0, slowest = 0;
  for (const CompiledKernel& k : summary.kernels)
    if (!k.cached) {
      compile_seconds += k.seconds;
      slowest = std::max(slowest, k.seconds);
    }
  jit::DiskCacheSummary disk = jit::disk_cache_summary();
  std::printf("%zu kernel(s): %d compiled, %d already cached; %.1f s wall", summary.kernels.size(), summary.compiled,
              summary.cached, summary.seconds);
  if (summary.compiled > 0)
    std::printf(", %.0f ms per compile on average, %.0f ms the slowest", compile_seconds / summary.compiled * 1e3,
                slowest * 1e3);
  std::printf("\ncache %s: %lld entries, %.1f MiB\n", dir.empty() ? "(none)" : dir.c_str(),
              static_cast<long long>(disk.entries), static_cast<double>(disk.bytes) / (1 << 20));
  if (!o.json_path.empty()) write_json(o.json_path, request, summary);
}

}  // namespace

void add_compile_command(CLI::App& app) {
  auto options = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compile", "Fill the kernel cache ahead of time for a list of layers and a range of M (no GPU needed)");
  cmd->add_option("--layer", options->layers,
                  "A layer: normal:N:K, contiguous:N:K:G or masked:N:K:G (G = groups); repeatable")
      ->type_name("LAYER");
  cmd->add_option("--file", options->files, "A file of layers, one per line in --layer syntax ('#' comments)")
      ->check(CLI::ExistingFile);
  std::string suites;
  for (const std::string& s : layer_suite_names()) suites += (suites.empty() ? "" : ", ") + s;
  cmd->add_option("--suite", options->suites, "A built-in list of layers: " + suites)
      ->check(CLI::IsMember(layer_suite_names()));
  cmd->add_option("--m-min", options->request.m_min, "Smallest M (masked: expected M per group)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--m-max", options->request.m_max, "Largest M")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--arch", options->request.arch, "Target architecture")->capture_default_str();
  cmd->add_option("--num-sms", options->request.num_sms, "SMs of the target GPU (H100 SXM, H200: 132)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("-j,--jobs", options->request.jobs, "Compiler threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", options->quiet, "Print only failures and the summary");
  cmd->add_option("--json", options->json_path, "Also write the run (every kernel's time) as JSON to this file");
  cmd->callback([options] { run_compile(*options); });
}

}  // namespace fp8gemm::tools
