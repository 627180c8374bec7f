#include "jit/nvrtc.hpp"

#include <dlfcn.h>
#include <link.h>
#include <nvrtc.h>
#include <unistd.h>

#include <set>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"

#ifndef FP8GEMM_CUDA_HOME
#define FP8GEMM_CUDA_HOME "/usr/local/cuda"
#endif

namespace fp8gemm::jit::nvrtc {
namespace {

struct Api {
  Library library;
  decltype(&::nvrtcVersion) Version;
  decltype(&::nvrtcGetErrorString) GetErrorString;
  decltype(&::nvrtcCreateProgram) CreateProgram;
  decltype(&::nvrtcDestroyProgram) DestroyProgram;
  decltype(&::nvrtcCompileProgram) CompileProgram;
  decltype(&::nvrtcGetProgramLogSize) GetProgramLogSize;
  decltype(&::nvrtcGetProgramLog) GetProgramLog;
  decltype(&::nvrtcGetCUBINSize) GetCUBINSize;
  decltype(&::nvrtcGetCUBIN) GetCUBIN;
};

// Directories of the CUDA libraries this process has loaded already. PyTorch's pip wheels bring their
// own (site-packages/nvidia/...), outside the library search path: NVRTC is beside them (CUDA 13
// wheels: one lib/ folder) or in the sibling package (CUDA 12 wheels: nvidia/cuda_nvrtc/lib).
std::vector<std::string> loaded_cuda_library_dirs() {
  std::set<std::string> dirs;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        std::string path = info->dlpi_name ? info->dlpi_name : "";
        size_t slash = path.rfind('/');
        if (slash == std::string::npos) return 0;
        std::string file = path.substr(slash + 1);
        if (file.rfind("libcu", 0) == 0 || file.rfind("libnv", 0) == 0)
          static_cast<std::set<std::string>*>(out)->insert(path.substr(0, slash));
        return 0;
      },
      &dirs);
  return {dirs.begin(), dirs.end()};
}

std::vector<std::string> candidates() {
  // An explicit choice is the only one tried.
  if (std::string env = env_value("FP8GEMM_LIBNVRTC"); !env.empty()) return {env};
  std::vector<std::string> names = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"};
  for (const std::string& dir : loaded_cuda_library_dirs())
    for (const char* relative : {"/libnvrtc.so.13", "/libnvrtc.so.12", "/../../cuda_nvrtc/lib/libnvrtc.so.12"})
      if (std::string path = dir + relative; ::access(path.c_str(), R_OK) == 0) names.push_back(path);
  for (std::string home : {env_value("CUDA_HOME"), std::string(FP8GEMM_CUDA_HOME)}) {
    if (home.empty()) continue;
    names.push_back(home + "/lib64/libnvrtc.so");
    names.push_back(home + "/lib/libnvrtc.so");
  }
  return names;
}

template <typename Fn>
bool resolve(void* lib, Fn& fn, const char* name, std::string& missing) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (!fn) missing += missing.empty() ? name : std::string(", ") + name;
  return fn != nullptr;
}

// Tries each candidate in turn; the first that loads, has every entry point and is new enough wins.
Api load() {
  std::string tried;
  for (const std::string& path : candidates()) {
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* why = dlerror();
      tried += "\n  " + path + ": " + (why ? why : "cannot be opened");
      continue;
    }
    Api api{};
    api.library.path = path;
    std::string missing;
    resolve(lib, api.Version, "nvrtcVersion", missing);
    resolve(lib, api.GetErrorString, "nvrtcGetErrorString", missing);
    resolve(lib, api.CreateProgram, "nvrtcCreateProgram", missing);
    resolve(lib, api.DestroyProgram, "nvrtcDestroyProgram", missing);
    resolve(lib, api.CompileProgram, "nvrtcCompileProgram", missing);
    resolve(lib, api.GetProgramLogSize, "nvrtcGetProgramLogSize", missing);
    resolve(lib, api.GetProgramLog, "nvrtcGetProgramLog", missing);
    resolve(lib, api.GetCUBINSize, "nvrtcGetCUBINSize", missing);
    resolve(lib, api.GetCUBIN, "nvrtcGetCUBIN", missing);
    if (!missing.empty()) {
      tried += "\n  " + path + ": lacks " + missing;
      dlclose(lib);
      continue;
    }
    if (api.Version(&api.library.major, &api.library.minor) != NVRTC_SUCCESS) {
      tried += "\n  " + path + ": nvrtcVersion failed";
      dlclose(lib);
      continue;
    }
    if (api.library.major * 100 + api.library.minor < kMinVersion) {
      tried += "\n  " + path + ": version " + std::to_string(api.library.major) + "." +
               std::to_string(api.library.minor) + " is older than 12.3";
      dlclose(lib);
      continue;
    }
    return api;
  }
  throw Error("no usable NVRTC (12.3 or newer) found; looked for:" + tried +
              "\nInstall the CUDA toolkit's or PyTorch's NVRTC (pip install nvidia-cuda-nvrtc-cu12), or set "
              "FP8GEMM_LIBNVRTC to the path of libnvrtc.so");
}

const Api& api() {
  static const Api a = load();  // a failed load throws out of the initializer: the next call retries
  return a;
}

// Destroys the program however compile_cubin leaves.
struct Program {
  const Api& api;
  nvrtcProgram handle = nullptr;
  ~Program() {
    if (handle) api.DestroyProgram(&handle);
  }
};

void check(const Api& a, nvrtcResult r, const char* what) {
  if (r != NVRTC_SUCCESS) throw Error(std::string("NVRTC ") + what + " failed: " + a.GetErrorString(r));
}

}  // namespace

const Library& library() { return api().library; }

std::vector<char> compile_cubin(const std::string& source, const std::string& name,
                                const std::vector<std::string>& options, std::string& log) {
  const Api& a = api();
  Program program{a};
  check(a, a.CreateProgram(&program.handle, source.c_str(), name.c_str(), 0, nullptr, nullptr),
        "nvrtcCreateProgram");
  std::vector<const char*> argv;
  for (const std::string& o : options) argv.push_back(o.c_str());
  nvrtcResult compiled = a.CompileProgram(program.handle, static_cast<int>(argv.size()), argv.data());

  size_t log_size = 0;
  check(a, a.GetProgramLogSize(program.handle, &log_size), "nvrtcGetProgramLogSize");
  log.assign(log_size, '\0');
  if (log_size > 0) check(a, a.GetProgramLog(program.handle, log.data()), "nvrtcGetProgramLog");
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();

  if (compiled != NVRTC_SUCCESS) {
    std::string command;
    for (const std::string& o : options) command += " " + o;
    throw Error("NVRTC " + std::to_string(a.library.major) + "." + std::to_string(a.library.minor) +
                " failed to compile " + name + " (" + a.GetErrorString(compiled) + "), options:" + command +
                "\n" + log);
  }
  size_t size = 0;
  check(a, a.GetCUBINSize(program.handle, &size), "nvrtcGetCUBINSize");
  if (size == 0) throw Error("NVRTC produced no cubin for " + name + " (is the target a real sm_ architecture?)");
  std::vector<char> cubin(size);
  check(a, a.GetCUBIN(program.handle, cubin.data()), "nvrtcGetCUBIN");
  return cubin;
}

}  // namespace fp8gemm::jit::nvrtc
