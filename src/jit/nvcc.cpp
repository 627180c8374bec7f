#include "jit/nvcc.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "common/env.hpp"
#include "fp8gemm/fp8gemm.hpp"

#ifndef FP8GEMM_CUDA_HOME
#define FP8GEMM_CUDA_HOME "/usr/local/cuda"
#endif

extern char** environ;

namespace fp8gemm::jit::nvcc {
namespace fs = std::filesystem;
namespace {

bool is_executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

// Runs argv[0] (a path) with stdout and stderr captured; returns the exit status (-1 if it died).
int run(const std::vector<std::string>& args, std::string& output) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw Error(std::string("nvcc: pipe() failed: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    throw Error("cannot run " + args[0] + ": " + std::strerror(spawned));
  }
  output.clear();
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) output.append(buffer, static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string find_nvcc() {
  std::string tried;
  auto consider = [&](const fs::path& p) {
    tried += "\n  " + p.string();
    return is_executable(p);
  };
  if (std::string env = env_value("FP8GEMM_NVCC"); !env.empty()) {
    if (consider(env)) return env;
    throw Error("FP8GEMM_NVCC=" + env + " is not an executable file");
  }
  if (std::string home = env_value("CUDA_HOME"); !home.empty())
    if (fs::path p = fs::path(home) / "bin" / "nvcc"; consider(p)) return p.string();
  if (std::string home = FP8GEMM_CUDA_HOME; !home.empty())
    if (fs::path p = fs::path(home) / "bin" / "nvcc"; consider(p)) return p.string();
  std::stringstream dirs(env_value("PATH"));
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty())
      if (fs::path p = fs::path(dir) / "nvcc"; consider(p)) return p.string();
  throw Error("FP8GEMM_COMPILER=nvcc but no nvcc found; looked for:" + tried +
              "\nSet FP8GEMM_NVCC to the nvcc executable or CUDA_HOME to the toolkit");
}

// A temporary directory removed with everything in it when the scope ends.
struct TempDir {
  fs::path path;
  TempDir() {
    fs::path pattern = fs::temp_directory_path() / "fp8gemm-nvcc-XXXXXX";
    std::string buffer = pattern.string();
    if (!::mkdtemp(buffer.data()))
      throw Error("nvcc: cannot create a temporary directory " + pattern.string() + ": " + std::strerror(errno));
    path = buffer;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

std::string path() { return find_nvcc(); }

std::string version() {
  static std::mutex mutex;
  static std::map<std::string, std::string> versions;  // per executable
  std::string nvcc = path();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = versions.find(nvcc);
  if (it != versions.end()) return it->second;
  std::string output;
  if (run({nvcc, "--version"}, output) != 0) throw Error(nvcc + " --version failed:\n" + output);
  // "Cuda compilation tools, release 13.0, V13.0.88"
  size_t at = output.find(", V");
  if (at == std::string::npos) throw Error("cannot read the version in the output of " + nvcc + " --version:\n" + output);
  size_t start = at + 3, end = start;
  while (end < output.size() && (std::isdigit(static_cast<unsigned char>(output[end])) || output[end] == '.')) ++end;
  return versions[nvcc] = output.substr(start, end - start);
}

std::vector<char> compile_cubin(const std::string& source, const std::vector<std::string>& options,
                                const std::string& include_dir, std::string& log) {
  std::string nvcc = path();
  TempDir dir;
  fs::path input = dir.path / "kernel.cu", output = dir.path / "kernel.cubin";
  {
    std::ofstream out(input, std::ios::binary);
    out << source;
    if (!out.flush()) throw Error("nvcc: cannot write " + input.string());
  }
  std::vector<std::string> args = {nvcc, "-cubin"};
  args.insert(args.end(), options.begin(), options.end());
  args.insert(args.end(), {"-I" + include_dir, "-o", output.string(), input.string()});
  int status = run(args, log);
  while (!log.empty() && log.back() == '\n') log.pop_back();
  if (status != 0) {
    std::string command;
    for (const std::string& a : args) command += (command.empty() ? "" : " ") + a;
    throw Error("nvcc failed to compile a kernel (exit status " + std::to_string(status) + "): " + command + "\n" +
                log);
  }
  std::ifstream in(output, std::ios::binary);
  std::vector<char> cubin((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (cubin.empty()) throw Error("nvcc wrote no cubin at " + output.string());
  return cubin;
}

}  // namespace fp8gemm::jit::nvcc
