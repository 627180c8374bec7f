#include "jit/kernel.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "jit/cache.hpp"
#include "runtime/module.hpp"

namespace fp8gemm::jit {

CUfunction get_kernel(const std::string& name, const std::function<std::string()>& source, int dynamic_smem_bytes) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const std::vector<char>>> cubins;
  std::shared_ptr<const std::vector<char>> cubin;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cubins.find(name);
    if (it != cubins.end()) cubin = it->second;
  }
  if (!cubin) {
    cubin = get_cubin(source(), "sm_90a", name);
    std::lock_guard<std::mutex> lock(mutex);
    cubins.emplace(name, cubin);
  }
  return runtime::load_kernel(cubin, name, dynamic_smem_bytes);
}

}  // namespace fp8gemm::jit
