// FP8GEMM_CONFIG (BLOCK_M,BLOCK_N,STAGES,CLUSTER) set for a scope: the library reads it on every call and
// runs that kernel configuration instead of the heuristic's choice. Put back as it was at the end.
// Not thread-safe (setenv): for the single-threaded tools and tests.
#pragma once

#include <cstdlib>
#include <string>

namespace fp8gemm::support {

class ForcedConfig {
 public:
  explicit ForcedConfig(const std::string& config) {
    if (const char* v = std::getenv(kName)) saved_ = v, had_ = true;
    setenv(kName, config.c_str(), 1);
  }
  ~ForcedConfig() {
    if (had_)
      setenv(kName, saved_.c_str(), 1);
    else
      unsetenv(kName);
  }
  ForcedConfig(const ForcedConfig&) = delete;
  ForcedConfig& operator=(const ForcedConfig&) = delete;

 private:
  static constexpr const char* kName = "FP8GEMM_CONFIG";
  std::string saved_;
  bool had_ = false;
};

}  // namespace fp8gemm::support
