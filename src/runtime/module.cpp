#include "runtime/module.hpp"

#include <map>
#include <mutex>
#include <utility>

#include "fp8gemm/fp8gemm.hpp"
#include "runtime/driver.hpp"

namespace fp8gemm::runtime {
namespace {

struct LoadedModule {
  std::shared_ptr<const std::vector<char>> cubin;  // held so that the key's pointer stays unique
  CUmodule module = nullptr;
  struct Function {
    CUfunction handle = nullptr;
    int smem_limit = -1;  // the dynamic shared memory limit set so far
  };
  std::map<std::string, Function> functions;
};

std::mutex mutex;
std::map<std::pair<const std::vector<char>*, CUcontext>, LoadedModule> modules;

}  // namespace

CUfunction load_kernel(const std::shared_ptr<const std::vector<char>>& cubin, const std::string& name,
                       int dynamic_smem_bytes) {
  if (!cubin || cubin->empty()) throw Error("load_kernel(" + name + "): cubin is empty");
  const Driver& d = driver();
  CUcontext ctx = current_context();
  std::lock_guard<std::mutex> lock(mutex);

  LoadedModule& m = modules[{cubin.get(), ctx}];
  if (!m.module) {
    check(d.ModuleLoadData(&m.module, cubin->data()), "cuModuleLoadData");
    m.cubin = cubin;
  }
  LoadedModule::Function& f = m.functions[name];
  if (!f.handle) check(d.ModuleGetFunction(&f.handle, m.module, name.c_str()), ("cuModuleGetFunction(" + name + ")").c_str());
  if (dynamic_smem_bytes > f.smem_limit) {
    check(d.FuncSetAttribute(f.handle, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, dynamic_smem_bytes),
          ("cuFuncSetAttribute(" + name + ", max dynamic shared memory " + std::to_string(dynamic_smem_bytes) +
           " bytes)")
              .c_str());
    f.smem_limit = dynamic_smem_bytes;
  }
  return f.handle;
}

}  // namespace fp8gemm::runtime
