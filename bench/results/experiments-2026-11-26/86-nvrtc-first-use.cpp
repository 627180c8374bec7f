// warm SRC: compile a trivial program, then SRC twice, in one process; print each time
#include <nvrtc.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <cstdlib>
#ifdef WITH_CUDA
#include <cuda.h>
#endif
double compile(const std::string& src, const std::vector<std::string>& opts) {
  std::vector<const char*> o; for (auto& s : opts) o.push_back(s.c_str());
  auto t0 = std::chrono::steady_clock::now();
  nvrtcProgram p; nvrtcCreateProgram(&p, src.c_str(), "k.cu", 0, nullptr, nullptr);
  if (nvrtcCompileProgram(p, o.size(), o.data()) != NVRTC_SUCCESS) { puts("fail"); }
  nvrtcDestroyProgram(&p);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
int main(int argc, char** argv) {
  std::ifstream f(argv[1]); std::stringstream ss; ss << f.rdbuf();
  std::vector<std::string> opts = {"-arch=sm_90a", "-std=c++17", "-default-device", "-DNDEBUG", std::string("-I") + (getenv("KDIR") ? getenv("KDIR") : "/work/main/kernels")};
#ifdef WITH_CUDA
  if (argc > 2 && std::string(argv[2]) == "ctx") {
    auto t0 = std::chrono::steady_clock::now();
    CUdevice d; CUcontext c; cuInit(0); cuDeviceGet(&d, 0); cuDevicePrimaryCtxRetain(&c, d); cuCtxSetCurrent(c);
    printf("context %.0f ms\n", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
#endif
  if (argc > 2) printf("trivial %.0f ms\n", compile("extern \"C\" __global__ void k(int* p) { *p = 1; }", opts));
  printf("heavy %.0f ms\n", compile(ss.str(), opts));
  printf("heavy again %.0f ms\n", compile(ss.str(), opts));
}
