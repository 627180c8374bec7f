#include "support/suites.hpp"

#include <array>
#include <sstream>
#include <stdexcept>

#include "fp8gemm/fp8gemm.hpp"

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

namespace {

// kCount comma-separated integers, nothing else; false if the text is not that.
template <size_t kCount>
bool parse_integers(const std::string& text, std::array<int64_t, kCount>& values) {
  std::istringstream in(text);
  for (size_t i = 0; i < kCount; ++i) {
    char comma = ',';
    if ((i > 0 && !(in >> comma)) || comma != ',' || !(in >> values[i])) return false;
  }
  in >> std::ws;
  return in.eof();
}

}  // namespace

NormalShape parse_shape(const std::string& text) {
  std::array<int64_t, 3> v{};
  if (!parse_integers(text, v) || v[0] < 0 || v[1] <= 0 || v[2] <= 0)
    throw std::invalid_argument("expected M,N,K with M >= 0 and N, K > 0, got '" + text + "'");
  return {v[0], v[1], v[2]};
}

ContiguousShape parse_contiguous_shape(const std::string& text) {
  const int64_t alignment = get_m_alignment_for_contiguous_layout();
  std::array<int64_t, 4> v{};
  if (!parse_integers(text, v) || v[0] < 1 || v[1] < 0 || v[1] % alignment != 0 || v[2] <= 0 || v[3] <= 0)
    throw std::invalid_argument("expected G,ROWS,N,K with G >= 1, ROWS >= 0 a multiple of " +
                                std::to_string(alignment) + " (the contiguous layout's M alignment) and N, K > 0, got '" +
                                text + "'");
  return {v[0], v[1], v[2], v[3]};
}

MaskedShape parse_masked_shape(const std::string& text) {
  std::array<int64_t, 4> v{};
  if (!parse_integers(text, v) || v[0] < 1 || v[1] < 0 || v[2] <= 0 || v[3] <= 0)
    throw std::invalid_argument("expected G,MAX_M,N,K with G >= 1, MAX_M >= 0 and N, K > 0, got '" + text + "'");
  return {v[0], v[1], v[2], v[3]};
}

}  // namespace fp8gemm::support
