// Reading environment variables (the FP8GEMM_* settings of README.md, CUDA_HOME, ...) the same way
// everywhere: an empty value means the same as an unset one.
#pragma once

#include <string>

namespace fp8gemm {

// The value of `name`, or "" when it is not set.
std::string env_value(const char* name);

// Whether the switch `name` is on: set to anything but "" or "0", so FP8GEMM_JIT_VERBOSE=0 turns it off.
bool env_flag(const char* name);

}  // namespace fp8gemm
