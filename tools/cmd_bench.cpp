// `fp8gemm bench`: our kernels beside cuBLASLt on a shape suite, and the quantizers beside the device's
// copy bandwidth; readable tables on stdout and, with --json, a record for bench/results/. Exit status: 0, 1 when one of our outputs was wrong,
// 2 without a Hopper GPU.
#include <CLI/CLI.hpp>
#include <cuda_runtime_api.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "heuristics/config.hpp"
#include "shape_option.hpp"
#include "support/benchmark.hpp"
#include "support/cuda_check.hpp"
#include "support/device_info.hpp"
#include "support/quantize_bench.hpp"
#include "support/random_operands.hpp"
#include "support/run_info.hpp"

namespace fp8gemm::tools {
namespace {

using support::BenchResult;
using support::Measurement;

struct BenchOptions {
  std::vector<std::string> suites;  // none given: deepseek-v3 (unless shapes are given)
  std::vector<std::string> shapes;
  std::vector<std::string> contiguous_shapes;  // G,ROWS,N,K
  std::vector<std::string> masked_shapes;      // G,MAX_M,N,K
  int iters = 100;
  std::string json_path;
  bool no_baselines = false;
  std::vector<std::string> configs;  // forced through FP8GEMM_CONFIG, timed in turn with the heuristic's
  std::string sa_layout = "mn-major";
  uint64_t seed = 0;
  int num_sms = 0;  // 0: the library's default (all SMs, or what set_num_sms was given)
};

std::string shape_text(const BenchResult& r) {
  char text[96];
  if (r.layout == "normal")
    std::snprintf(text, sizeof(text), "M=%lld N=%lld K=%lld", static_cast<long long>(r.m),
                  static_cast<long long>(r.n), static_cast<long long>(r.k));
  else
    std::snprintf(text, sizeof(text), "G=%lld x %lld N=%lld K=%lld", static_cast<long long>(r.groups),
                  static_cast<long long>(r.rows), static_cast<long long>(r.n), static_cast<long long>(r.k));
  return text;
}

std::string tflops_cell(const BenchResult& r, const Measurement& m) {
  if (m.ran) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f", r.tflops(m));
    return text;
  }
  return m.note.empty() ? "-" : "refused";
}

std::string diff_cell(const Measurement& m) {
  if (!m.ran && m.diff < 0) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1e", m.diff);
  return text;
}

// The floor under "host us" (support::time_bare_launch_us), or a note where it could not be measured.
struct BareLaunch {
  double us = -1;
  std::string note;
};

std::string bare_launch_text(const BareLaunch& bare) {
  if (bare.us < 0) return "not measured (" + bare.note + ")";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f us host", bare.us);
  return text;
}

void print_header(const BareLaunch& bare, const support::ClockSampler& clocks) {
  std::printf("blk = cuBLASLt FP8 with 1x128/128x128 block scales, pt = cuBLASLt FP8 per-tensor, bf16 = cuBLASLt "
              "BF16; TF = TFLOPS; vs blk = our speedup over blk; host us = host time of one warm call (%d back to "
              "back) with each tensor's device given, as the Python package passes them; query us = the same "
              "with TensorView::device unknown (the driver asked where every pointer lives); bare launch: %s (an "
              "empty kernel with our kernel's parameters, cuLaunchKernelEx); MHz, W = the SM clock and the board's "
              "power (NVML, medians) while ours and blk ran in turn, where that lasted %.0f s or more (NVML lags "
              "shorter spans; raise --iters)%s\n",
              support::kHostCalls, bare_launch_text(bare).c_str(), support::kMinSpanSeconds,
              clocks.available() ? "" : (" (not sampled: " + clocks.unavailable_reason() + ")").c_str());
  std::printf("%-10s %-30s | %9s %8s %7s %8s %9s %7s %8s | %9s %8s | %9s | %9s | %6s | %5s %4s\n", "layout",
              "shape", "ours us", "TF", "GB/s", "diff", "first ms", "host us", "query us", "blk TF", "blk diff",
              "pt TF", "bf16 TF", "vs blk", "MHz", "W");
}

// The row's clock and power, or dashes where nothing was sampled.
std::string clock_cells(const support::ClockReading& c) {
  if (c.samples == 0) return "    -    -";
  char text[32];
  std::snprintf(text, sizeof(text), "%5.0f %4.0f", c.sm_mhz, c.power_w);
  return text;
}

void print_row(const BenchResult& r, std::string& last_note) {
  const double speedup =
      r.ours.ran && r.lt_block_scaled.ran ? r.lt_block_scaled.median_us / r.ours.median_us : 0;
  char speedup_text[16] = "-";
  if (speedup > 0) std::snprintf(speedup_text, sizeof(speedup_text), "%.2fx", speedup);
  std::printf("%-10s %-30s | %9.1f %8s %7.0f %8s %9.1f %7.1f %8.1f | %9s %8s | %9s | %9s | %6s | %s\n",
              r.layout.c_str(), shape_text(r).c_str(), r.ours.median_us, tflops_cell(r, r.ours).c_str(),
              r.gbps(r.ours), diff_cell(r.ours).c_str(), r.first_call_us / 1000.0, r.host_call_us,
              r.host_call_queried_us,
              tflops_cell(r, r.lt_block_scaled).c_str(),
              diff_cell(r.lt_block_scaled).c_str(), tflops_cell(r, r.lt_per_tensor).c_str(),
              tflops_cell(r, r.lt_bf16).c_str(), speedup_text, clock_cells(r.clock).c_str());
  for (const support::ConfigMeasurement& f : r.forced) {
    if (!f.m.ran) {
      std::printf("%-10s %-30s | %9s %8s %7s %8s | %s\n", "  config", f.config.c_str(), "-", "-", "-", "-",
                  f.m.note.c_str());
      continue;
    }
    char versus[64] = "-";
    if (r.lt_block_scaled.ran) std::snprintf(versus, sizeof(versus), "%.2fx", r.lt_block_scaled.median_us / f.m.median_us);
    std::printf("%-10s %-30s | %9.1f %8s %7.0f %8s %26s | %9s %8s | %9s | %9s | %6s  (%.3fx the heuristic's)\n",
                "  config", f.config.c_str(), f.m.median_us, tflops_cell(r, f.m).c_str(), r.gbps(f.m),
                diff_cell(f.m).c_str(), "", "", "", "", "", versus,
                r.ours.ran ? r.ours.median_us / f.m.median_us : 0.0);
    if (!f.correctness.empty()) std::printf("    FAIL (config %s): %s\n", f.config.c_str(), f.correctness.c_str());
  }
  if (!r.correctness.empty()) std::printf("    FAIL (ours): %s\n", r.correctness.c_str());
  if (!r.ours.ran && !r.ours.note.empty()) std::printf("    ours: %s\n", r.ours.note.c_str());
  // A baseline that declines usually declines every shape the same way: say it once per change.
  for (const Measurement* m : {&r.lt_block_scaled, &r.lt_per_tensor, &r.lt_bf16}) {
    if (!m->ran && !m->note.empty() && m->note != last_note) {
      std::printf("    note: %s\n", m->note.c_str());
      last_note = m->note;
    }
  }
  std::fflush(stdout);
}

nlohmann::json measurement_json(const BenchResult& r, const Measurement& m) {
  nlohmann::json j = {{"ran", m.ran}};
  if (m.ran) {
    j["median_us"] = m.median_us;
    j["min_us"] = m.min_us;
    j["tflops"] = r.tflops(m);
    j["gbps"] = r.gbps(m);
  }
  if (m.diff >= 0) j["diff"] = m.diff;
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

nlohmann::json result_json(const BenchResult& r) {
  nlohmann::json j = {
      {"layout", r.layout},
      {"groups", r.groups},
      {"rows_per_group", r.rows},
      {"m", r.m},
      {"n", r.n},
      {"k", r.k},
      {"sa_layout", r.sa_layout},
      {"flops", r.flops},
      {"bytes", r.bytes},
      {"first_call_ms", r.first_call_us / 1000.0},
      {"host_call_us", r.host_call_us},
      {"host_call_device_unknown_us", r.host_call_queried_us},
      {"correct", r.correctness.empty()},
      {"ours", measurement_json(r, r.ours)},
      {"cublaslt_fp8_block_scaled", measurement_json(r, r.lt_block_scaled)},
      {"cublaslt_fp8_per_tensor", measurement_json(r, r.lt_per_tensor)},
      {"cublaslt_bf16", measurement_json(r, r.lt_bf16)},
  };
  if (!r.correctness.empty()) j["failure"] = r.correctness;
  for (const support::ConfigMeasurement& f : r.forced) {
    nlohmann::json forced = measurement_json(r, f.m);
    forced["config"] = f.config;
    forced["correct"] = f.correctness.empty();
    if (!f.correctness.empty()) forced["failure"] = f.correctness;
    j["forced_configs"].push_back(forced);
  }
  if (r.ours.ran && r.lt_block_scaled.ran)
    j["speedup_vs_block_scaled"] = r.lt_block_scaled.median_us / r.ours.median_us;
  if (r.clock.samples > 0)
    j["clock"] = {{"sm_mhz", r.clock.sm_mhz}, {"power_w", r.clock.power_w}, {"samples", r.clock.samples},
                  {"seconds", r.clock.seconds}};
  return j;
}

constexpr size_t kCopyBufferBytes = size_t{1} << 30;

void print_quantize_header(const support::CopyBandwidth& copy) {
  std::printf("\nquantization: GB/s = (input read + codes and scales written) / time; %% copy = share of the "
              "device-to-device copy bandwidth, %.0f GB/s (cudaMemcpy of %zu MiB, read + written)\n",
              copy.gbps(), kCopyBufferBytes >> 20);
  std::printf("%-10s %-30s | %9s %7s %7s %9s\n", "kind", "shape", "us", "GB/s", "% copy", "first ms");
}

void print_quantize_row(const support::QuantizeBenchResult& r, const support::CopyBandwidth& copy) {
  char shape[64];
  std::snprintf(shape, sizeof shape, "%s %s=%lld K=%lld", dtype_name(r.c.dtype),
                r.c.kind == support::QuantizeKind::per_token ? "M" : "N", static_cast<long long>(r.c.rows),
                static_cast<long long>(r.c.cols));
  std::printf("%-10s %-30s | %9.1f %7.0f %6.1f%% %9.1f\n",
              r.c.kind == support::QuantizeKind::per_token ? "per_token" : "per_block", shape, r.timing.median_us,
              r.gbps(), 100.0 * r.gbps() / copy.gbps(), r.first_call_us / 1000.0);
  if (!r.correctness.empty()) std::printf("    FAIL: %s\n", r.correctness.c_str());
  std::fflush(stdout);
}

nlohmann::json quantize_json(const support::QuantizeBenchResult& r, const support::CopyBandwidth& copy) {
  nlohmann::json j = {
      {"kind", r.c.kind == support::QuantizeKind::per_token ? "per_token" : "per_block"},
      {"input_dtype", dtype_name(r.c.dtype)},
      {"rows", r.c.rows},
      {"k", r.c.cols},
      {"pow2_scales", r.c.pow2_scales},
      {"scales_layout", support::scale_layout_name(r.c.scales)},
      {"bytes", r.bytes},
      {"median_us", r.timing.median_us},
      {"min_us", r.timing.min_us},
      {"gbps", r.gbps()},
      {"percent_of_copy_bandwidth", 100.0 * r.gbps() / copy.gbps()},
      {"first_call_ms", r.first_call_us / 1000.0},
      {"correct", r.correctness.empty()},
  };
  if (!r.correctness.empty()) j["failure"] = r.correctness;
  return j;
}

void run_bench(const BenchOptions& options) {
  std::vector<support::NormalShape> normal;
  std::vector<support::ContiguousShape> contiguous;
  std::vector<support::MaskedShape> masked;
  bool quantize = false;
  for (const auto& text : options.shapes) normal.push_back(support::parse_shape(text));
  std::vector<std::string> suites = options.suites;
  for (const auto& text : options.contiguous_shapes) contiguous.push_back(support::parse_contiguous_shape(text));
  for (const auto& text : options.masked_shapes) masked.push_back(support::parse_masked_shape(text));
  if (suites.empty() && normal.empty() && contiguous.empty() && masked.empty()) suites.push_back("deepseek-v3");
  auto wanted = [&](const char* name) {
    return std::find(suites.begin(), suites.end(), name) != suites.end() ||
           std::find(suites.begin(), suites.end(), "all") != suites.end();
  };
  quantize = wanted("quantize");
  if (wanted("deepseek-v3"))
    for (const auto& s : support::deepseek_v3_shapes()) normal.push_back(s);
  if (wanted("contiguous"))
    for (const auto& s : support::contiguous_bench_shapes()) contiguous.push_back(s);
  if (wanted("masked"))
    for (const auto& s : support::masked_bench_shapes()) masked.push_back(s);
  std::string reason;
  if (!support::hopper_available(&reason)) {
    std::cerr << "fp8gemm bench: no Hopper GPU: " << reason << "\n";
    throw CLI::RuntimeError(2);
  }

  if (options.num_sms > 0) set_num_sms(options.num_sms);
  const nlohmann::json info = support::run_info_json();
  std::printf("fp8gemm bench on %s (%d SMs, ours on at most %d), driver CUDA %s, cuBLASLt %zu; median of %d runs, L2 flushed, ours and blk run in turn, sa %s\n",
              info["device"].get<std::string>().c_str(), info["sm_count"].get<int>(), get_num_sms(),
              info["driver_cuda_version"].get<std::string>().c_str(), info["cublaslt_version"].get<size_t>(),
              options.iters, options.sa_layout.c_str());
  const bool gemms = !normal.empty() || !contiguous.empty() || !masked.empty();

  cudaStream_t stream = nullptr;
  FP8GEMM_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  // Once per run, beside the suite's "host us": what a launch costs the host with nothing of ours around it.
  BareLaunch bare;
  try {
    bare.us = support::time_bare_launch_us(stream, support::kHostCalls);
  } catch (const std::exception& e) {
    bare.note = e.what();
  }
  support::ClockSampler clocks;
  if (gemms) print_header(bare, clocks);
  const support::ScaleLayout layout =
      options.sa_layout == "row-major" ? support::ScaleLayout::row_major : support::ScaleLayout::mn_major;
  std::vector<BenchResult> results;
  std::string last_note;
  bool all_correct = true;
  {
    support::Benchmark bench(stream, options.iters, !options.no_baselines, layout, options.configs, &clocks);
    uint64_t index = 0;
    auto record = [&](BenchResult r) {
      print_row(r, last_note);
      all_correct = all_correct && r.correctness.empty();
      for (const support::ConfigMeasurement& f : r.forced) all_correct = all_correct && f.correctness.empty();
      results.push_back(std::move(r));
    };
    for (const auto& s : normal) record(bench.normal(s, support::derive_seed(options.seed, index++)));
    for (const auto& s : contiguous) record(bench.contiguous(s, support::derive_seed(options.seed, index++)));
    for (const auto& s : masked) record(bench.masked(s, support::derive_seed(options.seed, index++)));
  }
  std::vector<support::QuantizeBenchResult> quantize_results;
  support::CopyBandwidth copy;
  if (quantize) {
    const support::L2Flusher flusher(support::current_device_info().l2_bytes);
    copy = support::measure_copy_bandwidth(stream, options.iters, flusher, kCopyBufferBytes);
    print_quantize_header(copy);
    uint64_t index = 1000;
    for (const auto& c : support::quantize_bench_cases()) {
      quantize_results.push_back(
          support::bench_quantize(c, support::derive_seed(options.seed, index++), stream, options.iters, flusher));
      print_quantize_row(quantize_results.back(), copy);
      all_correct = all_correct && quantize_results.back().correctness.empty();
    }
  }
  cudaStreamDestroy(stream);

  if (!options.json_path.empty()) {
    nlohmann::json out = info;
    out["iters"] = options.iters;
    out["ours_and_block_scaled_interleaved"] = true;  // one run of each in turn (support::time_launches_interleaved)
    out["l2_flush"] = true;
    if (!clocks.available()) out["clock_note"] = "not sampled: " + clocks.unavailable_reason();
    out["sa_layout"] = options.sa_layout;
    out["seed"] = options.seed;
    out["num_sms"] = get_num_sms();
    if (bare.us >= 0)
      out["bare_launch_host_us"] = bare.us;
    else
      out["bare_launch_note"] = bare.note;
    out["results"] = nlohmann::json::array();
    for (const auto& r : results) out["results"].push_back(result_json(r));
    if (quantize) {
      out["copy_bandwidth"] = {{"bytes", copy.bytes}, {"median_us", copy.median_us}, {"gbps", copy.gbps()}};
      out["quantize"] = nlohmann::json::array();
      for (const auto& r : quantize_results) out["quantize"].push_back(quantize_json(r, copy));
    }
    std::ofstream file(options.json_path);
    if (!file) throw std::runtime_error("cannot write --json file " + options.json_path);
    file << out.dump(2) << "\n";
    std::printf("wrote %s\n", options.json_path.c_str());
  }
  if (!all_correct) {
    std::printf("fp8gemm bench: some of our outputs were wrong (FAIL lines above)\n");
    throw CLI::RuntimeError(1);
  }
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Time fp8gemm beside cuBLASLt (block-scaled FP8, per-tensor FP8, BF16) on a shape suite, and the quantizers");
  cmd->add_option("--suite", options->suites,
                  "deepseek-v3 (the 18 normal shapes; the default), contiguous, masked, quantize (the quantizers "
                  "at DeepSeek-V3 sizes beside the copy bandwidth) or all; repeatable")
      ->check(CLI::IsMember({"deepseek-v3", "contiguous", "masked", "quantize", "all"}));
  cmd->add_option("--shape", options->shapes, "M,N,K of a normal GEMM (repeatable); replaces the suite unless "
                                              "--suite is given too")
      ->check(shape_validator());
  cmd->add_option("--contiguous", options->contiguous_shapes,
                  "G,ROWS,N,K of a contiguous grouped GEMM: G experts of ROWS rows each (repeatable; like --shape, "
                  "replaces the suite unless --suite is given too)")
      ->check(shape_validator(support::parse_contiguous_shape, "G,ROWS,N,K"));
  cmd->add_option("--masked", options->masked_shapes,
                  "G,MAX_M,N,K of a masked grouped GEMM, every row real (repeatable; like --shape, replaces the "
                  "suite unless --suite is given too)")
      ->check(shape_validator(support::parse_masked_shape, "G,MAX_M,N,K"));
  cmd->add_option("--iters", options->iters, "timed runs per kernel (the median is reported)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--json", options->json_path, "write the results and the run's facts to this JSON file");
  cmd->add_flag("--no-baselines", options->no_baselines, "time only fp8gemm, not cuBLASLt");
  cmd->add_option("--config", options->configs,
                  "BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]] (repeatable): also time this kernel configuration, forced through "
                  "FP8GEMM_CONFIG, in turn with the heuristic's choice (for tuning the heuristic); its output is "
                  "checked like ours")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            // The library's own reading of FP8GEMM_CONFIG: whether the values suit a shape is its call.
            return heuristics::forced_config_fields(v).empty()
                       ? "expected BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]] (integers), got " + v
                       : std::string();
          },
          "BLOCK_M,BLOCK_N,STAGES,CLUSTER"));
  cmd->add_option("--sa-layout", options->sa_layout, "layout of the activation scales: mn-major or row-major")
      ->check(CLI::IsMember({"mn-major", "row-major"}))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "seed of the random operands")->capture_default_str();
  cmd->add_option("--num-sms", options->num_sms,
                  "SMs our persistent kernels may use (fp8gemm::set_num_sms; 0: all); cuBLASLt keeps all of them")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->callback([options] { run_bench(*options); });
}

}  // namespace fp8gemm::tools
