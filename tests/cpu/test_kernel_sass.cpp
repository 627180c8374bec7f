// The machine code of every kernel the DeepSeek-V3 layers can use (all three layouts, M in 1..16384,
// an H100's 132 SMs), compiled through NVRTC for sm_90a with no GPU, checked in its SASS:
//   - the FP8 tensor cores do the math (QGMMA);
//   - nothing lives in local memory: no stack frame, no LDL/STL (spills cost far more than they save);
//   - the wgmma of one K block are issued back to back and waited for once: ptxas serializes them
//     (one WARPGROUP.DEPBAR after each) when it cannot keep the accumulators untouched meanwhile,
//     which halves the kernel's speed without changing its results.
// The disassembler is cuobjdump with nvdisasm beside it, from the nvidia-cuda-cuobjdump and
// nvidia-cuda-nvdisasm wheels that scripts/bootstrap installs into .venv (or FP8GEMM_CUOBJDUMP, or a
// CUDA toolkit on PATH); without one the test is skipped and says why.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "fp8gemm/fp8gemm.hpp"
#include "heuristics/config.hpp"
#include "jit/ahead_of_time.hpp"
#include "jit/compiler.hpp"
#include "jit/kernel_source.hpp"
#include "jit/quantize_source.hpp"
#include "jit_sandbox.hpp"

#ifndef FP8GEMM_SOURCE_DIR
#error "FP8GEMM_SOURCE_DIR must name the source tree (its .venv holds the disassembler)"
#endif

namespace fp8gemm::testing {
namespace {

using heuristics::KernelConfig;

bool holds_disassembler(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "cuobjdump", ec) && fs::is_regular_file(dir / "nvdisasm", ec);
}

// A directory holding both cuobjdump and nvdisasm (cuobjdump runs nvdisasm from PATH), looked for
// beside FP8GEMM_CUOBJDUMP, in the wheels of the source tree's .venv, then on PATH.
std::optional<fs::path> find_disassembler(std::string& looked_at) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("FP8GEMM_CUOBJDUMP"); env && *env) {
    candidates.push_back(fs::path(env).parent_path());
  } else {
    std::error_code ec;
    fs::path lib = fs::path(FP8GEMM_SOURCE_DIR) / ".venv" / "lib";
    for (const auto& python : fs::directory_iterator(lib, ec))
      for (const auto& cuda : fs::directory_iterator(python.path() / "site-packages" / "nvidia", ec))
        candidates.push_back(cuda.path() / "bin");  // nvidia/cu13/bin
    std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string dir; std::getline(path, dir, ':');)
      if (!dir.empty()) candidates.push_back(dir);
  }
  for (const fs::path& dir : candidates) {
    if (holds_disassembler(dir)) return dir;
    looked_at += " " + dir.string();
  }
  return std::nullopt;
}

// Runs a shell command; returns its standard output and error, and whether it exited with 0.
bool run(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return false;
  char buffer[65536];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Every distinct kernel the heuristics pick for the suite's layers, as `fp8gemm compile --suite
// deepseek-v3` builds them.
std::vector<KernelConfig> deepseek_v3_configs() {
  heuristics::DeviceFacts h100;
  h100.num_sms = 132;
  h100.smem_per_block = 232448;
  std::vector<KernelConfig> configs;
  std::set<std::string> names;
  for (const LayerSpec& l : layer_suite("deepseek-v3"))
    for (KernelConfig c : heuristics::configs_for_range(l.layout, l.n, l.k, l.groups, 1, 16384, h100)) {
      if (names.insert(jit::gemm_kernel_name(c)).second) configs.push_back(c);
      // The other K-block variant of the tiles of parts (FP8GEMM_CONFIG's ACROSS_RUN): runs of 2 where the
      // heuristic takes none, none where it overlaps.
      if (wgmma_parts(c.block_n) > 1) {
        c.across_run = c.across_run == 0 ? 2 : 0;
        if (names.insert(jit::gemm_kernel_name(c)).second) configs.push_back(c);
      }
    }
  return configs;
}

// Local memory in a kernel's resource usage (stack frame, local) and SASS (LDL/STL): what it finds.
std::vector<std::string> local_memory_problems(const std::string& sass, const std::string& resources) {
  std::vector<std::string> problems;
  std::smatch m;
  if (!std::regex_search(resources, m, std::regex(R"(STACK:(\d+)\b.*\bLOCAL:(\d+)\b)")))
    problems.push_back("no STACK/LOCAL figures in cuobjdump -res-usage:\n" + resources);
  else if (m[1] != "0" || m[2] != "0")
    problems.push_back("uses local memory: stack frame " + m[1].str() + " bytes, local " + m[2].str() + " bytes");
  const std::regex local_access(R"(\b(LDL|STL)(\.|\s))");
  int spills = 0;
  std::istringstream lines(sass);
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, local_access)) ++spills;
  if (spills > 0) problems.push_back(std::to_string(spills) + " LDL/STL instructions (register spills)");
  return problems;
}

// What is wrong with one GEMM kernel's SASS and resource usage; empty when nothing is.
std::vector<std::string> sass_problems(const KernelConfig& c, const std::string& sass, const std::string& resources) {
  std::vector<std::string> problems = local_memory_problems(sass, resources);
  int qgmma = 0, serialized_batches = 0, wrong_batches = 0;
  // A K block is block_k / 32 wgmma m64nNk32 per column part of the tile (one part, or 64-wide parts
  // for 192/256-wide tiles); a group committed together (gsb0 on its last QGMMA) holds whole K blocks.
  const int per_batch = c.block_k / 32;
  int in_batch = 0;
  bool waited_in_batch = false;
  std::istringstream lines(sass);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("QGMMA") != std::string::npos) {
      ++qgmma;
      ++in_batch;
      if (line.find("gsb0") != std::string::npos) {
        if (in_batch % per_batch != 0) ++wrong_batches;
        if (waited_in_batch) ++serialized_batches;
        in_batch = 0;
        waited_in_batch = false;
      }
    } else if (in_batch > 0 && line.find("WARPGROUP.DEPBAR") != std::string::npos) {
      waited_in_batch = true;
    }
  }
  if (qgmma == 0) problems.push_back("no QGMMA: the FP8 tensor cores are not used");
  if (serialized_batches > 0)
    problems.push_back(std::to_string(serialized_batches) + " K blocks wait (WARPGROUP.DEPBAR) between their QGMMAs");
  if (wrong_batches > 0)
    problems.push_back(std::to_string(wrong_batches) + " QGMMA groups are not whole K blocks (a multiple of " +
                       std::to_string(per_batch) + " instructions committed together): serialized wgmma");
  if (in_batch > 0) problems.push_back("the last QGMMA group is never committed (no gsb0)");
  return problems;
}

// The main loop's size, a figure to watch while tuning (no timing: printed, not asserted): the kernels
// issue at about the same rate as cuBLASLt's, so their time follows their instruction count
// (bench/results/NOTES.md, session 3). The loop is the backward branch's span holding the most QGMMA;
// for a GEMM kernel that is one K block. Zero instructions when there is no such loop.
struct LoopSummary {
  int instructions = 0, ffma = 0, qgmma = 0;
};

LoopSummary main_loop_summary(const std::string& sass) {
  struct Instruction {
    long address;
    std::string text;
  };
  std::vector<Instruction> code;
  const std::regex line_re(R"(/\*([0-9a-f]{4,})\*/\s+([^;]*);)");
  std::istringstream lines(sass);
  std::smatch m;
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, m, line_re)) code.push_back({std::stol(m[1].str(), nullptr, 16), m[2].str()});
  const std::regex branch_re(R"(\bBRA\s+0x([0-9a-f]+))");
  LoopSummary best;
  for (size_t end = 0; end < code.size(); ++end) {
    if (!std::regex_search(code[end].text, m, branch_re)) continue;
    const long target = std::stol(m[1].str(), nullptr, 16);
    if (target >= code[end].address) continue;
    LoopSummary loop;
    for (size_t i = 0; i <= end; ++i) {
      if (code[i].address < target) continue;
      ++loop.instructions;
      if (code[i].text.find("QGMMA") != std::string::npos) ++loop.qgmma;
      if (code[i].text.find("FFMA") != std::string::npos) ++loop.ffma;
    }
    if (loop.qgmma > best.qgmma) best = loop;
  }
  return best;
}

// Compiles `source` through NVRTC for sm_90a into `dir` and disassembles it: the SASS, the resource
// usage and the compiler log; a failed step is reported in `failure` (and false returned).
bool compile_and_dump(const std::string& source, const std::string& name, const fs::path& dir,
                      const std::string& cuobjdump, std::string& sass, std::string& resources, std::string& log,
                      std::string& failure) {
  try {
    jit::CompileResult compiled = jit::compile(source, "sm_90a");
    log = compiled.log;
    const fs::path cubin = dir / (name + ".cubin");
    std::ofstream(cubin, std::ios::binary).write(compiled.cubin.data(), static_cast<std::streamsize>(compiled.cubin.size()));
    if (!run(cuobjdump + " -sass " + quoted(cubin.string()), sass)) failure = "cuobjdump -sass failed:\n" + sass;
    else if (!run(cuobjdump + " -res-usage " + quoted(cubin.string()), resources))
      failure = "cuobjdump -res-usage failed:\n" + resources;
  } catch (const std::exception& e) {
    failure = std::string("does not compile: ") + e.what();
  }
  return failure.empty();
}

// The checker itself, on SASS lines in cuobjdump's format: it passes a good kernel and names each fault.
TEST(KernelSass, CheckerNamesEachFault) {
  KernelConfig c;
  const std::string clean = " Function f:\n  REG:168 STACK:0 SHARED:1024 LOCAL:0 CONSTANT[0]:920\n";
  auto qgmma = [](const char* tail) { return std::string("  /*0830*/ QGMMA.64x128x32.F32.E4M3.E4M3 R88, gdesc[UR20], R88") + tail + " ;\n"; };
  const std::string wait = "  /*1300*/ WARPGROUP.DEPBAR.LE gsb0, 0x0 ;\n";
  const std::string block = "  /*05f0*/ WARPGROUP.ARRIVE ;\n" + qgmma("") + qgmma("") + qgmma("") + qgmma(", gsb0") + wait;
  EXPECT_TRUE(sass_problems(c, block + block, clean).empty());

  auto only_problem = [&](const std::string& sass, const std::string& resources) {
    std::vector<std::string> p = sass_problems(c, sass, resources);
    return p.size() == 1 ? p[0] : "(" + std::to_string(p.size()) + " problems)";
  };
  EXPECT_NE(only_problem("  /*0100*/ FFMA R1, R2, R3, R4 ;\n", clean).find("no QGMMA"), std::string::npos);
  EXPECT_NE(only_problem(block, " Function f:\n  REG:168 STACK:40 SHARED:0 LOCAL:0\n").find("stack frame 40"),
            std::string::npos);
  EXPECT_NE(only_problem(block + "  /*2000*/ STL.64 [R1+0x8], R88 ;\n", clean).find("1 LDL/STL"), std::string::npos);
  std::string serialized;
  for (int i = 0; i < 4; ++i) serialized += qgmma(", gsb0") + wait;
  EXPECT_NE(only_problem(serialized, clean).find("4 QGMMA groups are not whole K blocks"), std::string::npos);
  EXPECT_NE(only_problem(qgmma("") + qgmma("") + wait + qgmma("") + qgmma(", gsb0"), clean).find("1 K blocks wait"),
            std::string::npos);
  EXPECT_NE(only_problem(block + qgmma(""), clean).find("never committed"), std::string::npos);

  // The main-loop report: the backward branch's span with the most QGMMA, not a loop without them.
  const std::string looped = "  /*0100*/ FFMA R1, R2, R3, R4 ;\n  /*0110*/ @P0 BRA 0x100 ;\n" + block +
                             "  /*1400*/ FFMA R1, R2, R3, R4 ;\n  /*1410*/ @!P1 BRA 0x120 ;\n";
  const LoopSummary loop = main_loop_summary(looped);
  EXPECT_EQ(loop.qgmma, 4);
  EXPECT_EQ(loop.ffma, 1);
  EXPECT_EQ(loop.instructions, 8);  // the arrive, four QGMMA, the wait, the FFMA and the branch
  EXPECT_EQ(main_loop_summary(block).instructions, 0);
}

TEST(KernelSass, DeepSeekV3KernelsUseQgmmaWithoutLocalMemoryOrSerialization) {
  std::string looked_at;
  std::optional<fs::path> tools = find_disassembler(looked_at);
  if (!tools)
    GTEST_SKIP() << "no cuobjdump with nvdisasm beside it (make test installs them into .venv from the "
                    "nvidia-cuda-cuobjdump and nvidia-cuda-nvdisasm wheels; or set FP8GEMM_CUOBJDUMP); looked in:"
                 << looked_at;
  const std::string cuobjdump = "PATH=" + quoted(tools->string()) + ":\"$PATH\" " + quoted((*tools / "cuobjdump").string());

  std::vector<KernelConfig> configs = deepseek_v3_configs();
  ASSERT_GT(configs.size(), 10u);
  JitSandboxFiles files;
  std::vector<std::vector<std::string>> problems(configs.size());
  std::vector<LoopSummary> loops(configs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < configs.size();) {
      std::vector<std::string>& found = problems[i];
      std::string sass, resources, log, failure;
      if (!compile_and_dump(jit::gemm_kernel_source(configs[i]), jit::gemm_kernel_name(configs[i]), files.root,
                            cuobjdump, sass, resources, log, failure)) {
        found.push_back(failure);
        continue;
      }
      found = sass_problems(configs[i], sass, resources);
      loops[i] = main_loop_summary(sass);
      if (!found.empty() && !log.empty()) found.push_back("compiler log:\n" + log);
    }
  };
  std::thread helper(work);  // two compilers at a time: CI machines have two cores
  work();
  helper.join();

  int failed = 0;
  for (size_t i = 0; i < configs.size(); ++i) {
    if (problems[i].empty()) continue;
    ++failed;
    std::string all;
    for (const std::string& p : problems[i]) all += "\n  " + p;
    ADD_FAILURE() << jit::gemm_kernel_name(configs[i]) << ":" << all;
  }
  std::cout << "checked the SASS of " << configs.size() << " kernels (deepseek-v3, M 1..16384, 132 SMs, sm_90a): "
            << configs.size() - failed << " pass, " << failed << " fail" << std::endl;
  // ptxas may unroll the K loop: scale the loop's counts to one K block (four QGMMA per column part).
  std::cout << "instructions per warp and K block in the main loop (of them FFMA):" << std::endl;
  for (size_t i = 0; i < configs.size(); ++i) {
    if (loops[i].qgmma == 0) continue;
    const int per_block = 4 * wgmma_parts(configs[i].block_n);
    std::cout << "  " << loops[i].instructions * per_block / loops[i].qgmma << " ("
              << loops[i].ffma * per_block / loops[i].qgmma << ")  " << jit::gemm_kernel_name(configs[i]) << std::endl;
  }
}

TEST(KernelSass, QuantizeKernelsUseNoLocalMemory) {
  std::string looked_at;
  std::optional<fs::path> tools = find_disassembler(looked_at);
  if (!tools) GTEST_SKIP() << "no cuobjdump with nvdisasm beside it; looked in:" << looked_at;
  const std::string cuobjdump = "PATH=" + quoted(tools->string()) + ":\"$PATH\" " + quoted((*tools / "cuobjdump").string());
  JitSandboxFiles files;
  const auto variants = jit::quantize_variants();
  ASSERT_FALSE(variants.empty());
  for (const auto& v : variants) {
    const std::string name = jit::quantize_kernel_name(v);
    std::string sass, resources, log, failure;
    if (!compile_and_dump(jit::quantize_kernel_source(v), name, files.root, cuobjdump, sass, resources, log, failure)) {
      ADD_FAILURE() << name << ": " << failure;
      continue;
    }
    for (const std::string& problem : local_memory_problems(sass, resources)) ADD_FAILURE() << name << ": " << problem;
  }
}

}  // namespace
}  // namespace fp8gemm::testing
