// `fp8gemm info`: what fp8gemm would use here: devices and driver, NVRTC, the compiler, the kernel
// sources and the cache. Works without a GPU, a driver or NVRTC (each part says what is missing).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands.hpp"
#include "fp8gemm/fp8gemm.hpp"
#include "jit/cache.hpp"
#include "jit/compiler.hpp"
#include "jit/nvrtc.hpp"
#include "runtime/driver.hpp"

namespace fp8gemm::tools {
namespace {

void line(const char* label, const std::string& value) { std::printf("%-14s %s\n", label, value.c_str()); }

template <typename Fn>
std::string or_reason(Fn fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return std::string("unavailable: ") + e.what();
  }
}

std::string version_string(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

// Through fp8gemm's own driver layer (no CUDA runtime, no context): what the library will see.
void print_devices() {
  try {
    const runtime::Driver& d = runtime::driver();
    int version = 0, count = 0;
    runtime::check(d.DriverGetVersion(&version), "cuDriverGetVersion");
    line("driver", "CUDA " + version_string(version));
    runtime::check(d.DeviceGetCount(&count), "cuDeviceGetCount");
    if (count == 0) line("device", "none (the driver reports no device)");
    for (int i = 0; i < count; ++i) {
      CUdevice dev = 0;
      runtime::check(d.DeviceGet(&dev, i), "cuDeviceGet");
      char name[256] = {};
      int major = 0, minor = 0, sms = 0;
      runtime::check(d.DeviceGetName(name, sizeof name, dev), "cuDeviceGetName");
      runtime::check(d.DeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "cuDeviceGetAttribute");
      runtime::check(d.DeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "cuDeviceGetAttribute");
      runtime::check(d.DeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev), "cuDeviceGetAttribute");
      std::string supported = major == 9 && minor == 0 ? "" : " (not Hopper: fp8gemm cannot run here)";
      line(("device " + std::to_string(i)).c_str(), std::string(name) + ", sm_" + std::to_string(major) +
                                                        std::to_string(minor) + ", " + std::to_string(sms) + " SMs" +
                                                        supported);
    }
  } catch (const std::exception& e) {
    line("driver", std::string("none: ") + e.what());
    line("device", "none (kernels can still be compiled ahead of time)");
  }
}

void print_info() {
  print_devices();
  line("nvrtc", or_reason([] { return jit::nvrtc_version() + " (" + jit::nvrtc::library().path + ")"; }));
  line("compiler", or_reason([] { return jit::compiler_id() + " (" + jit::compiler_options("sm_90a") + ")"; }));
  line("nvrtc cache", or_reason([] { return jit::nvrtc_own_cache(); }));
  line("kernels", or_reason([] { return jit::kernels_dir(); }));
  line("kernels hash", or_reason([] { return jit::kernels_hash(); }));
  std::string dir = jit::cache_dir();
  if (dir.empty()) {
    line("cache", "none (set FP8GEMM_CACHE_DIR, XDG_CACHE_HOME or HOME): kernels compile in memory only");
  } else {
    jit::DiskCacheSummary s = jit::disk_cache_summary();
    char size[64];
    std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(s.bytes) / (1 << 20));
    line("cache", dir + (s.exists ? " (" + std::to_string(s.entries) + " entries, " + size + ")" : " (not created yet)"));
  }
  for (const char* name : {"FP8GEMM_CACHE_DIR", "FP8GEMM_KERNELS_DIR", "FP8GEMM_COMPILER", "FP8GEMM_NVCC",
                           "FP8GEMM_LIBNVRTC", "FP8GEMM_LIBCUDA", "FP8GEMM_JIT_VERBOSE"})
    if (const char* v = std::getenv(name)) line("environment", std::string(name) + "=" + v);
}

}  // namespace

void add_info_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("info", "Show the device, driver, NVRTC, kernel sources and kernel cache in use");
  cmd->callback(print_info);
}

}  // namespace fp8gemm::tools
