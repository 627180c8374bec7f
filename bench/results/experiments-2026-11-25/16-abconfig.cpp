// Two kernel configs (FP8GEMM_CONFIG) timed in turn in one process: 128x256 s4 alone vs in multicast pairs.
#include <cuda_runtime_api.h>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>
#include "support/problems.hpp"
#include "support/timing.hpp"
using namespace fp8gemm;
using namespace fp8gemm::support;
int main() {
  cudaStream_t stream; cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
  int dev = 0, l2 = 0; cudaGetDevice(&dev); cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev);
  const L2Flusher flusher(l2);
  const std::vector<std::string> configs = {"128,256,4,1", "128,256,4,2"};
  auto ab = [&](const char* label, const std::function<void()>& run) {
    std::vector<std::function<void()>> launches;
    for (const auto& c : configs) launches.push_back([&, c] { setenv("FP8GEMM_CONFIG", c.c_str(), 1); run(); });
    for (int pass = 0; pass < 2; ++pass) {
      const auto t = time_launches_interleaved(launches, stream, 100, flusher);
      std::printf("%-28s pass %d: c1 %8.1f us  c2 %8.1f us  c2 speed %.3fx\n", label, pass, t[0].median_us,
                  t[1].median_us, t[0].median_us / t[1].median_us);
      std::fflush(stdout);
    }
  };
  const int64_t normal[][3] = {{4096, 7168, 16384}, {4096, 4096, 7168}, {4096, 7168, 2048}, {4096, 24576, 1536}};
  for (auto& s : normal) {
    const NormalProblem p = make_normal_problem(s[0], s[1], s[2], Layouts{}, 1);
    char label[64]; std::snprintf(label, sizeof label, "M=%ld N=%ld K=%ld", (long)s[0], (long)s[1], (long)s[2]);
    ab(label, [&] { p.run(reinterpret_cast<Stream>(stream), dev); });
  }
  const int64_t contiguous[][2] = {{4096, 7168}, {7168, 2048}};
  for (auto& s : contiguous) {
    const ContiguousProblem p = make_contiguous_problem({8192, 8192, 8192, 8192}, s[0], s[1], Layouts{}, 1);
    char label[64]; std::snprintf(label, sizeof label, "contig 4x8192 N=%ld K=%ld", (long)s[0], (long)s[1]);
    ab(label, [&] { p.run(reinterpret_cast<Stream>(stream), dev); });
  }
  unsetenv("FP8GEMM_CONFIG");
  return 0;
}
