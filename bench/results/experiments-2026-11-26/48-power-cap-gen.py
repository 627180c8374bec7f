#!/usr/bin/env python3
"""Experiment 48 (session 11): the wgmma loop forms of experiment 35 run long enough to reach the board's power cap
(~1.3 s each, 2 s idle before each), reporting cycles per K block (clock64), TFLOPS over the wall time, and the
effective SM clock those two imply. Reuses 35-wgmma-rate-gen.py with another variant list and main().
Usage: 48-power-cap-gen.py OUT.cu; nvcc -O3 -gencode arch=compute_90a,code=sm_90a OUT.cu; ./a.out ITERS"""
import os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
gen = open(os.path.join(here, "35-wgmma-rate-gen.py")).read()
variants = '''variants = [
    (256, 64, False, "promote", True, "lds2"),   # normal 128x256 tile today: SS 64-wide parts
    (256, 64, False, "across", True, "lds2"),    # contiguous 128x256 today (runs of 4)
    (256, 64, True, "promote", True, "lds2"),    # A in registers (RS), before session 10
    (256, 128, False, "promote", True, "lds2"),  # two n128 SS parts, one scratch: A read twice per k32, not four times
    (256, 64, False, "raw", True),               # no promotion
    (256, 256, False, "raw", True),              # one n256 wgmma per k32
]
'''
gen = re.sub(r"variants = \[\n.*?\n\]\n", variants, gen, count=1, flags=re.S)
main = r'''
typedef void (*K)(int, u64*, float*, const void*);
int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  int sms = 0; cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  const int iters = argc > 1 ? atoi(argv[1]) : 2000000;
  const int rounds = argc > 2 ? atoi(argv[2]) : 2;
  const int smem = 200 * 1024;
  u64* cycles; float* sink;
  cudaMalloc(&cycles, sms * sizeof(u64)); cudaMalloc(&sink, sms * 384 * sizeof(float));
  struct V { const char* name; K k; int w; int threads; };
  V vs[] = {VARIANTS};
  void* feed_src; cudaMalloc(&feed_src, 64 * 1024); cudaMemset(feed_src, 0x11, 64 * 1024);
  printf("%-28s %10s %8s %8s %8s\n", "kernel", "cycles/it", "of peak", "TFLOPS", "eff MHz");
  for (int round = 0; round < rounds; ++round)
  for (V v : vs) {
    cudaFuncSetAttribute(v.k, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
    v.k<<<sms, v.threads, smem>>>(1000, cycles, sink, feed_src);
    cudaDeviceSynchronize();
    usleep(2000000);  // idle: every variant starts from the same board state
    cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
    cudaEventRecord(e0);
    v.k<<<sms, v.threads, smem>>>(iters, cycles, sink, feed_src);
    cudaEventRecord(e1);
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) { printf("%s: %s\n", v.name, cudaGetErrorString(err)); return 1; }
    float ms; cudaEventElapsedTime(&ms, e0, e1);
    std::vector<u64> c(sms); cudaMemcpy(c.data(), cycles, sms * sizeof(u64), cudaMemcpyDeviceToHost);
    std::sort(c.begin(), c.end());
    const double per_it = (double)c[sms / 2] / iters;
    const double fma = 2.0 * 64 * v.w * 128;
    printf("%-28s %10.1f %7.1f%% %8.1f %8.0f\n", v.name, per_it, 100 * fma / per_it / 4096,
           2 * fma * iters * sms / (ms * 1e-3) * 1e-12, (double)c[sms - 1] / (ms * 1e-3) * 1e-6);
  }
  return 0;
}
'''
start = gen.index('src.append("""\ntypedef void (*K)')
end = gen.index('open(sys.argv[1]', start)
table = '", ".join(f\'{{"{nm}", {nm}, {v[0]}, {384 if len(v) > 4 and v[4] else 256}}}\' for nm, v in names)'
gen = gen[:start] + "src.append(" + repr(main) + ".replace('VARIANTS', " + table + "))\n" + gen[end:]
gen = gen.replace('#include <cstdio>', '#include <cstdio>\n#include <unistd.h>', 1)
gen = gen.replace("for rs in (False, True):\n    nm, k = kernel_rescale(rs)", "for rs in ():\n    nm, k = kernel_rescale(rs)")
sys.argv = [sys.argv[0], sys.argv[1] if len(sys.argv) > 1 else "power_cap.cu"]
exec(compile(gen, "35-wgmma-rate-gen.py (experiment 48)", "exec"))
