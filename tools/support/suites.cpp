#include "support/suites.hpp"

#include <sstream>
#include <stdexcept>

namespace fp8gemm::support {

std::vector<NormalShape> deepseek_v3_shapes() {
  const int64_t ms[] = {64, 128, 4096};
  const int64_t nks[][2] = {{2112, 7168}, {24576, 1536}, {32768, 512}, {7168, 16384}, {4096, 7168}, {7168, 2048}};
  std::vector<NormalShape> shapes;
  for (int64_t m : ms)
    for (const auto& nk : nks) shapes.push_back({m, nk[0], nk[1]});
  return shapes;
}

std::vector<ContiguousShape> contiguous_bench_shapes() {
  return {{4, 8192, 4096, 7168}, {4, 8192, 7168, 2048}, {8, 4096, 4096, 7168}, {8, 4096, 7168, 2048}};
}

std::vector<MaskedShape> masked_bench_shapes() {
  return {{1, 1024, 4096, 7168}, {1, 1024, 7168, 2048}, {2, 512, 4096, 7168},
          {2, 512, 7168, 2048},  {4, 256, 4096, 7168},  {4, 256, 7168, 2048}};
}

NormalShape parse_shape(const std::string& text) {
  std::istringstream in(text);
  NormalShape s{};
  char comma1 = 0, comma2 = 0;
  if (!(in >> s.m >> comma1 >> s.n >> comma2 >> s.k) || comma1 != ',' || comma2 != ',' || !in.eof() || s.m < 0 ||
      s.n <= 0 || s.k <= 0)
    throw std::invalid_argument("expected M,N,K with M >= 0 and N, K > 0, got '" + text + "'");
  return s;
}

}  // namespace fp8gemm::support
