#include "support/precompile.hpp"

#include <chrono>
#include <exception>
#include <mutex>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/ahead_of_time.hpp"
#include "support/parallel.hpp"

namespace fp8gemm::support {

PrecompileSummary precompile(const std::vector<KernelUse>& uses) {
  const auto start = std::chrono::steady_clock::now();
  const int num_sms = get_num_sms();
  PrecompileSummary summary;
  std::mutex mutex;
  // One request per call (its own M), each compiling on the calling thread; the calls run in parallel.
  parallel_for(static_cast<int64_t>(uses.size()), [&](int64_t i) {
    const KernelUse& use = uses[static_cast<size_t>(i)];
    if (use.m < 1) return;  // nothing runs for an empty problem
    CompileRequest request;
    request.layers.push_back({use.layout, use.n, use.k, use.groups});
    request.m_min = request.m_max = use.m;
    request.num_sms = num_sms;
    request.jobs = 1;
    CompileSummary result;
    try {
      result = compile_ahead_of_time(request);
    } catch (const std::exception&) {
      std::lock_guard<std::mutex> lock(mutex);
      ++summary.failed;
      return;
    }
    std::lock_guard<std::mutex> lock(mutex);
    summary.kernels += static_cast<int>(result.kernels.size());
    summary.compiled += result.compiled;
    summary.cached += result.cached;
  });
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace fp8gemm::support
