// The kernel cache: memory, then disk (FP8GEMM_CACHE_DIR, default $XDG_CACHE_HOME/fp8gemm or
// ~/.cache/fp8gemm), then the compiler. Disk entries are written atomically (temp file + rename) and
// carry a checksum; a damaged entry is rebuilt, never loaded. A missing or read-only directory still
// works (compile in memory, one warning on stderr).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fp8gemm::jit {

struct CacheStats {
  std::atomic<int64_t> memory_hits{0};
  std::atomic<int64_t> disk_hits{0};
  std::atomic<int64_t> compiles{0};
};

// Key = hash(source, kernels_hash(), compiler_id(), arch).
std::string cache_key(const std::string& source, const std::string& arch);

// The cubin for (source, arch). Thread-safe; concurrent processes are safe.
std::shared_ptr<const std::vector<char>> get_cubin(const std::string& source, const std::string& arch);

CacheStats& cache_stats();
std::string cache_dir();

}  // namespace fp8gemm::jit
