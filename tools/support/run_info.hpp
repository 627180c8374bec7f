// Where and when a result was produced, for the JSON records under bench/results/: device, driver and
// CUDA versions, date, git commit, command line.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace fp8gemm::support {

// FP8GEMM_GIT_COMMIT if set, else `git rev-parse HEAD` where git and a checkout are at hand, else "unknown".
std::string git_commit();
// The process's own command line (/proc/self/cmdline), arguments joined by spaces.
std::string command_line();
// "2026-11-25T14:05:31Z".
std::string utc_now();

nlohmann::json run_info_json();

}  // namespace fp8gemm::support
