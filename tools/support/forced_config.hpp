// FP8GEMM_CONFIG (BLOCK_M,BLOCK_N,STAGES,CLUSTER[,ACROSS_RUN[,BAND_ROWS]]) set for a scope, and the library told to
// read it (fp8gemm::reload_settings): its calls run that kernel configuration instead of the
// heuristic's choice. Put back as it was at the end. Not thread-safe (setenv): for the single-threaded
// tools and tests.
#pragma once

#include <cstdlib>
#include <string>

#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm::support {

class ForcedConfig {
 public:
  explicit ForcedConfig(const std::string& config) {
    if (const char* v = std::getenv(kName)) saved_ = v, had_ = true;
    setenv(kName, config.c_str(), 1);
    reload_settings();
  }
  ~ForcedConfig() {
    if (had_)
      setenv(kName, saved_.c_str(), 1);
    else
      unsetenv(kName);
    reload_settings();
  }
  ForcedConfig(const ForcedConfig&) = delete;
  ForcedConfig& operator=(const ForcedConfig&) = delete;

 private:
  static constexpr const char* kName = "FP8GEMM_CONFIG";
  std::string saved_;
  bool had_ = false;
};

}  // namespace fp8gemm::support
