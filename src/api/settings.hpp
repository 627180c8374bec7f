// The environment variables that shape a GEMM call (FP8GEMM_CONFIG, FP8GEMM_CHECK_INDICES), read at
// the first call and again by fp8gemm::reload_settings(), not on every call: a getenv is a scan of the
// whole environment, some 80 ns per variable, next to a launch of ~3 us.
#pragma once

#include <string>

namespace fp8gemm::api {

struct GemmSettings {
  std::string config;          // FP8GEMM_CONFIG ("" = the heuristic's choice)
  bool check_indices = false;  // FP8GEMM_CHECK_INDICES
  bool operator==(const GemmSettings&) const = default;
};

// The settings in force. Equal settings are one object for the whole process, so its address stands
// for its value (in the keys of what a call keeps).
const GemmSettings& gemm_settings();

}  // namespace fp8gemm::api
