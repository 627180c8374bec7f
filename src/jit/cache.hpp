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

// Key = hash(source, kernels_hash(), compiler_id(), compiler_options(arch), arch).
std::string cache_key(const std::string& source, const std::string& arch);

// The cubin for (source, arch). Thread-safe; concurrent processes are safe. `name` (the kernel's)
// only labels log lines (FP8GEMM_JIT_VERBOSE=1).
std::shared_ptr<const std::vector<char>> get_cubin(const std::string& source, const std::string& arch,
                                                   const std::string& name = {});

// get_cubin, also telling where the cubin came from and how long that took.
enum class CubinOrigin { memory, disk, compiler };
struct CubinLookup {
  std::shared_ptr<const std::vector<char>> cubin;
  CubinOrigin origin = CubinOrigin::memory;
  double seconds = 0.0;
};
CubinLookup lookup_cubin(const std::string& source, const std::string& arch, const std::string& name = {});

CacheStats& cache_stats();

// The disk cache directory as configured now (re-read from the environment on every call); empty
// when neither FP8GEMM_CACHE_DIR, XDG_CACHE_HOME nor HOME is set.
std::string cache_dir();

// The path of the disk entry for a key, in cache_dir().
std::string cache_entry_path(const std::string& key);

// What the disk cache directory holds: complete entries and their total size in bytes.
struct DiskCacheSummary {
  bool exists = false;
  int64_t entries = 0;
  int64_t bytes = 0;
};
DiskCacheSummary disk_cache_summary();

// Forgets the cubins held in memory (the disk cache stays), e.g. to time a first use from disk.
void clear_memory_cache();

}  // namespace fp8gemm::jit
