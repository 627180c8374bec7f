#include "support/run_info.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>

#include "support/device_info.hpp"

namespace fp8gemm::support {

std::string git_commit() {
  if (const char* env = std::getenv("FP8GEMM_GIT_COMMIT"); env != nullptr && *env != '\0') return env;
  std::string out;
  if (FILE* pipe = popen("git rev-parse HEAD 2>/dev/null", "r")) {
    std::array<char, 128> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) out += buffer.data();
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw)
    if (c == '\0') c = ' ';
  return raw;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

nlohmann::json run_info_json() {
  const DeviceInfo device = current_device_info();
  return {
      {"device", device.name},
      {"sm_count", device.sm_count},
      {"compute_capability", std::to_string(device.cc_major) + "." + std::to_string(device.cc_minor)},
      {"memory_gib", device.memory_gib},
      {"l2_bytes", device.l2_bytes},
      {"driver_cuda_version", cuda_version_string(device.driver_version)},
      {"runtime_cuda_version", cuda_version_string(device.runtime_version)},
      {"cublaslt_version", device.cublaslt_version},
      {"date", utc_now()},
      {"git_commit", git_commit()},
      {"command_line", command_line()},
  };
}

}  // namespace fp8gemm::support
