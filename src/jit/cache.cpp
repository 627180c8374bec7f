#include "jit/cache.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/env.hpp"
#include "jit/compiler.hpp"
#include "jit/disk_entry.hpp"
#include "jit/hash.hpp"

namespace fp8gemm::jit {
namespace fs = std::filesystem;
namespace {

using Cubin = std::shared_ptr<const std::vector<char>>;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One warning per directory and process: a read-only cache must not flood the log.
void warn_once(const std::string& dir, const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard<std::mutex> lock(mutex);
  if (warned.insert(dir).second) std::fprintf(stderr, "fp8gemm: warning: %s\n", message.c_str());
}

// Disk, then the compiler; the caller has made sure no other thread of this process works on `key`.
CubinLookup load_or_compile(const std::string& key, const std::string& source, const std::string& arch,
                            const std::string& label, std::chrono::steady_clock::time_point start) {
  std::string dir = cache_dir();
  std::string path = dir.empty() ? "" : cache_entry_path(key);
  if (!dir.empty()) {
    std::vector<char> cubin;
    std::string why;
    switch (read_entry(path, key, cubin, why)) {
      case EntryRead::ok: {
        cache_stats().disk_hits++;
        double seconds = seconds_since(start);
        if (env_flag("FP8GEMM_JIT_VERBOSE"))
          std::fprintf(stderr, "fp8gemm jit: loaded %s from disk in %.2f ms (%s)\n", label.c_str(), seconds * 1e3,
                       path.c_str());
        return {std::make_shared<const std::vector<char>>(std::move(cubin)), CubinOrigin::disk, seconds};
      }
      case EntryRead::damaged:
        std::fprintf(stderr, "fp8gemm: warning: damaged kernel cache entry %s (%s): rebuilding it\n", path.c_str(),
                     why.c_str());
        break;
      case EntryRead::missing:
        break;
    }
  }

  CompileResult compiled = compile(source, arch);
  cache_stats().compiles++;
  if (dir.empty()) {
    warn_once(dir, "no kernel cache directory (set FP8GEMM_CACHE_DIR, XDG_CACHE_HOME or HOME): kernels are "
                   "compiled in memory only");
  } else if (std::string why; !write_entry(dir, path, key, compiled.cubin, why)) {
    warn_once(dir, "kernel cache directory " + dir + " is not usable (" + why + "): kernels are compiled in "
                   "memory only");
  }
  double seconds = seconds_since(start);
  if (env_flag("FP8GEMM_JIT_VERBOSE")) {
    std::fprintf(stderr, "fp8gemm jit: compiled %s in %.1f ms (%s, %s)\n", label.c_str(), compiled.seconds * 1e3,
                 compiler_id().c_str(), arch.c_str());
    if (!compiled.log.empty()) std::fprintf(stderr, "%s\n", compiled.log.c_str());
  }
  return {std::make_shared<const std::vector<char>>(std::move(compiled.cubin)), CubinOrigin::compiler, seconds};
}

// Cubins by key. A key being loaded or compiled is already here, as a future the other threads
// asking for it wait on, so that a process never compiles the same kernel twice at once.
std::mutex memory_mutex;
std::unordered_map<std::string, std::shared_future<Cubin>> memory;

}  // namespace

std::string cache_key(const std::string& source, const std::string& arch) {
  return Hasher()
      .field(source)
      .field(kernels_hash())
      .field(compiler_id())
      .field(compiler_options(arch))
      .field(arch)
      .hex();
}

CubinLookup lookup_cubin(const std::string& source, const std::string& arch, const std::string& name) {
  auto start = std::chrono::steady_clock::now();
  std::string key = cache_key(source, arch);
  std::promise<Cubin> promise;
  std::shared_future<Cubin> pending;
  bool owner = false;
  {
    std::lock_guard<std::mutex> lock(memory_mutex);
    auto it = memory.find(key);
    if (it != memory.end()) {
      pending = it->second;
    } else {
      pending = promise.get_future().share();
      memory.emplace(key, pending);
      owner = true;
    }
  }
  if (!owner) {
    Cubin cubin = pending.get();  // rethrows the owner's failure
    cache_stats().memory_hits++;
    return {cubin, CubinOrigin::memory, seconds_since(start)};
  }
  try {
    CubinLookup found = load_or_compile(key, source, arch, name.empty() ? key : name, start);
    promise.set_value(found.cubin);
    return found;
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(memory_mutex);
      memory.erase(key);  // a later call tries again
    }
    promise.set_exception(std::current_exception());
    throw;
  }
}

std::shared_ptr<const std::vector<char>> get_cubin(const std::string& source, const std::string& arch,
                                                   const std::string& name) {
  return lookup_cubin(source, arch, name).cubin;
}

CacheStats& cache_stats() {
  static CacheStats stats;
  return stats;
}

std::string cache_dir() {
  if (std::string dir = env_value("FP8GEMM_CACHE_DIR"); !dir.empty()) return dir;
  if (std::string xdg = env_value("XDG_CACHE_HOME"); !xdg.empty()) return (fs::path(xdg) / "fp8gemm").string();
  if (std::string home = env_value("HOME"); !home.empty()) return (fs::path(home) / ".cache" / "fp8gemm").string();
  return "";
}

std::string cache_entry_path(const std::string& key) { return (fs::path(cache_dir()) / entry_file_name(key)).string(); }

DiskCacheSummary disk_cache_summary() {
  DiskCacheSummary summary;
  std::string dir = cache_dir();
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return summary;
  summary.exists = true;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || !is_entry_file_name(entry.path().filename().string())) continue;
    summary.entries++;
    summary.bytes += static_cast<int64_t>(entry.file_size(ec));
  }
  return summary;
}

void clear_memory_cache() {
  std::lock_guard<std::mutex> lock(memory_mutex);
  memory.clear();
}

}  // namespace fp8gemm::jit
