// The GPU's SM clock and power draw while a measurement runs, sampled through NVML (libnvidia-ml, which
// comes with the driver; opened at run time, so nothing links against it). Lent machines of one kind
// differ by up to 8% in sustained FP8 throughput because their boards hold different clocks at the
// power limit; a row's clock tells a slower machine from a slower kernel.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace fp8gemm::support {

// NVML's readings lag the board by up to a second (its power is a one-second average): a span shorter than
// kMinSpanSeconds reads mostly what came before it, and is not reported; the samples of its first
// kSettleSeconds are left out.
constexpr double kMinSpanSeconds = 2.0;
constexpr double kSettleSeconds = 0.5;

struct ClockReading {
  int samples = 0;      // 0: nothing to report (no NVML, or a span shorter than kMinSpanSeconds)
  double seconds = 0;   // the span sampled
  double sm_mhz = 0;    // medians over the samples after the first kSettleSeconds
  double power_w = 0;
};

class ClockSampler {
 public:
  // For the current CUDA device. Without NVML (or without that device in it) every span reads as
  // nothing sampled, and unavailable_reason() says why.
  ClockSampler();
  ~ClockSampler();
  ClockSampler(const ClockSampler&) = delete;
  ClockSampler& operator=(const ClockSampler&) = delete;

  bool available() const { return device_ != nullptr; }
  const std::string& unavailable_reason() const { return reason_; }

  // Samples every 2 ms (or as fast as NVML answers) on a thread of its own between start() and stop().
  void start();
  ClockReading stop();

 private:
  void run();

  void* library_ = nullptr;
  bool initialized_ = false;  // nvmlInit_v2 succeeded: nvmlShutdown at the end
  void* device_ = nullptr;    // nvmlDevice_t
  std::string reason_;
  using GetClock = int (*)(void*, int, unsigned*);
  using GetPower = int (*)(void*, unsigned*);
  GetClock get_clock_ = nullptr;
  GetPower get_power_ = nullptr;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::chrono::steady_clock::time_point started_;
  std::vector<double> mhz_, milliwatts_;  // samples taken after the first kSettleSeconds
};

}  // namespace fp8gemm::support
