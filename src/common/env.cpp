// Environment variables read one way everywhere (env.hpp).
#include "common/env.hpp"

#include <cstdlib>

namespace fp8gemm {

std::string env_value(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

bool env_flag(const char* name) {
  const std::string v = env_value(name);
  return !v.empty() && v != "0";
}

}  // namespace fp8gemm
