// Generates the .cu source of one kernel configuration (the kernel's constants baked in).
#pragma once

#include <string>

#include "heuristics/config.hpp"

namespace fp8gemm::jit {

// The source to compile for config c, and the name of its extern "C" entry point.
std::string gemm_kernel_source(const heuristics::KernelConfig& c);
std::string gemm_kernel_name(const heuristics::KernelConfig& c);

}  // namespace fp8gemm::jit
