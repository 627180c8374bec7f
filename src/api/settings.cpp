#include "api/settings.hpp"

#include <atomic>
#include <deque>
#include <mutex>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"

namespace fp8gemm {
namespace api {
namespace {

std::mutex mutex;
std::deque<GemmSettings> distinct;  // every value seen; a deque never moves its elements
std::atomic<const GemmSettings*> current{nullptr};

// Reads the environment and makes the result current: the stored object of that value, else a new one.
const GemmSettings* read_settings() {
  GemmSettings read{env_value("FP8GEMM_CONFIG"), env_flag("FP8GEMM_CHECK_INDICES")};
  std::lock_guard<std::mutex> lock(mutex);
  const GemmSettings* found = nullptr;
  for (const GemmSettings& s : distinct)
    if (s == read) found = &s;
  if (found == nullptr) found = &distinct.emplace_back(std::move(read));
  current.store(found, std::memory_order_release);
  return found;
}

}  // namespace

const GemmSettings& gemm_settings() {
  const GemmSettings* s = current.load(std::memory_order_acquire);
  return s != nullptr ? *s : *read_settings();
}

}  // namespace api

void reload_settings() { api::read_settings(); }

}  // namespace fp8gemm
