// Where the device sources are, and their fingerprint (kernels_dir and kernels_hash of compiler.hpp).
#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"
#include "jit/compiler.hpp"
#include "jit/hash.hpp"

#ifndef FP8GEMM_SOURCE_KERNELS_DIR
#error "FP8GEMM_SOURCE_KERNELS_DIR must name the source tree's kernels/ directory"
#endif

namespace fp8gemm::jit {
namespace fs = std::filesystem;
namespace {

bool holds_kernels(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "fp8gemm", ec);
}

// The directory of the shared object this code is in (libfp8gemm, or the Python extension that
// links it statically), so an installed layout is found wherever it was installed.
std::optional<fs::path> library_dir() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&holds_kernels), &info) || !info.dli_fname) return std::nullopt;
  std::error_code ec;
  fs::path lib = fs::canonical(info.dli_fname, ec);
  if (ec) return std::nullopt;
  return lib.parent_path();
}

std::string find_kernels_dir(const std::string& env) {
  if (!env.empty()) {
    if (!holds_kernels(env))
      throw Error("FP8GEMM_KERNELS_DIR=" + env +
                  " does not hold the kernel sources (expected a directory fp8gemm/ inside it)");
    return fs::path(env).lexically_normal().string();
  }
  std::string tried;
  std::vector<fs::path> candidates;
  if (auto dir = library_dir()) {
    candidates.push_back(*dir / "kernels");
    candidates.push_back(*dir / ".." / "share" / "fp8gemm" / "kernels");
  }
  candidates.push_back(FP8GEMM_SOURCE_KERNELS_DIR);
  for (const fs::path& c : candidates) {
    if (holds_kernels(c)) return c.lexically_normal().string();
    tried += "\n  " + c.lexically_normal().string();
  }
  throw Error("fp8gemm kernel sources not found; looked for a directory fp8gemm/ in:" + tried +
              "\nSet FP8GEMM_KERNELS_DIR to the kernels/ directory of an fp8gemm installation");
}

std::string hash_directory(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink))
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).generic_string());
  std::sort(files.begin(), files.end());
  Hasher h;
  for (const std::string& f : files) {
    std::ifstream in(dir / f, std::ios::binary);
    if (!in) throw Error("cannot read kernel source " + (dir / f).string());
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    h.field(f).field(contents);
  }
  return h.hex();
}

std::mutex mutex;

}  // namespace

std::string kernels_dir() {
  // Resolved again only when FP8GEMM_KERNELS_DIR changes: the search touches the file system.
  static std::optional<std::string> resolved_for_env;
  static std::string resolved;
  std::string env = env_value("FP8GEMM_KERNELS_DIR");
  std::lock_guard<std::mutex> lock(mutex);
  if (resolved_for_env != env) {
    resolved = find_kernels_dir(env);
    resolved_for_env = env;
  }
  return resolved;
}

std::string kernels_hash() {
  static std::map<std::string, std::string> hashes;  // per directory
  std::string dir = kernels_dir();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = hashes.find(dir);
  if (it == hashes.end()) it = hashes.emplace(dir, hash_directory(dir)).first;
  return it->second;
}

}  // namespace fp8gemm::jit
