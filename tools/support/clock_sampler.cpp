#include "support/clock_sampler.hpp"

#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <chrono>

#include "support/timing.hpp"

namespace fp8gemm::support {
namespace {

// The NVML entry points used here (nvml.h: nvmlReturn_t is an int enum, 0 = NVML_SUCCESS; nvmlDevice_t a
// pointer; NVML_CLOCK_SM = 1; power in milliwatts).
constexpr int kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;
using Init = int (*)();
using Shutdown = int (*)();
using HandleByPciBusId = int (*)(const char*, void**);

}  // namespace

ClockSampler::ClockSampler() {
  library_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) {
    reason_ = "libnvidia-ml.so.1 not found";
    return;
  }
  const auto init = reinterpret_cast<Init>(dlsym(library_, "nvmlInit_v2"));
  const auto by_bus = reinterpret_cast<HandleByPciBusId>(dlsym(library_, "nvmlDeviceGetHandleByPciBusId_v2"));
  get_clock_ = reinterpret_cast<GetClock>(dlsym(library_, "nvmlDeviceGetClockInfo"));
  get_power_ = reinterpret_cast<GetPower>(dlsym(library_, "nvmlDeviceGetPowerUsage"));
  if (init == nullptr || by_bus == nullptr || get_clock_ == nullptr || get_power_ == nullptr) {
    reason_ = "libnvidia-ml.so.1 lacks an entry point";
    return;
  }
  if (init() != kNvmlSuccess) {
    reason_ = "nvmlInit_v2 failed";
    return;
  }
  initialized_ = true;
  int cuda_device = 0;
  char bus_id[32] = {};
  void* device = nullptr;
  if (cudaGetDevice(&cuda_device) != cudaSuccess ||
      cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, cuda_device) != cudaSuccess) {
    reason_ = "no PCI bus ID for the CUDA device";
  } else if (by_bus(bus_id, &device) != kNvmlSuccess) {
    reason_ = std::string("NVML does not know the device at ") + bus_id;
  } else {
    device_ = device;
  }
}

ClockSampler::~ClockSampler() {
  if (running_) stop();
  if (library_ == nullptr) return;
  if (const auto shutdown = reinterpret_cast<Shutdown>(dlsym(library_, "nvmlShutdown")); shutdown && initialized_)
    shutdown();
  dlclose(library_);
}

void ClockSampler::start() {
  mhz_.clear();
  milliwatts_.clear();
  if (!available() || running_) return;
  running_ = true;
  started_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { run(); });
}

ClockReading ClockSampler::stop() {
  ClockReading r;
  if (!running_) return r;
  running_ = false;
  thread_.join();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (r.seconds < kMinSpanSeconds || mhz_.empty()) return r;
  r.samples = static_cast<int>(mhz_.size());
  r.sm_mhz = median(mhz_);
  r.power_w = median(milliwatts_) / 1000.0;  // NVML: milliwatts
  return r;
}

void ClockSampler::run() {
  const auto settled = started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(kSettleSeconds));
  while (running_) {
    unsigned mhz = 0, mw = 0;
    if (std::chrono::steady_clock::now() >= settled && get_clock_(device_, kNvmlClockSm, &mhz) == kNvmlSuccess &&
        get_power_(device_, &mw) == kNvmlSuccess) {
      mhz_.push_back(mhz);
      milliwatts_.push_back(mw);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace fp8gemm::support
