#!/bin/bash
# Experiments 79 and 80 (session 16), one device call. Run from the repository root on the GPU machine.
# 79: a warm call's host time after the context query became one driver call (79-warm-call-context.cpp):
#     three runs at 64x256x256 and one at 4096x7168x2048.
# 80: cold JIT compile of the DeepSeek-V3 list on the GPU machine's own CPU (the bench's "first ms" of the
#     contiguous 128x256 kernels read 0.65-1.3 s there): NVRTC with one job, NVRTC with all cores, nvcc with one
#     job, each into an empty cache; then the same list over the filled NVRTC cache.
set -u
out=${OUT:-/tmp}
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite contiguous "$out/build" > "$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
echo "== 79"
/usr/bin/g++ -std=c++20 -O2 -I src -I include -I kernels -I tools -I /usr/local/cuda/include \
  bench/results/experiments-2026-11-26/79-warm-call-context.cpp -o /tmp/e79 -Lbuild-gpu/tools \
  -lfp8gemm_support -Lbuild-gpu/src -lfp8gemm -Wl,-rpath,$PWD/build-gpu/src -L/usr/local/cuda/lib64 \
  -L/usr/local/cuda/lib64/stubs -lcudart -lcublasLt -lcublas -lcuda -pthread || exit 1
for i in 1 2 3; do /tmp/e79; done
/tmp/e79 4096 7168 2048
echo "== 80 ($(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo))"
for spec in "nvrtc|1|nvrtc-j1" "nvrtc|0|nvrtc-all" "nvcc|1|nvcc-j1"; do
  IFS='|' read -r compiler jobs name <<< "$spec"
  cache=$(mktemp -d)
  FP8GEMM_COMPILER=$compiler FP8GEMM_CACHE_DIR=$cache "$tool" compile --suite deepseek-v3 -j "$jobs" -q \
    --json "$out/80-$name.json" 2>&1 | tail -2
  [ "$name" = nvrtc-j1 ] && warm_cache=$cache
done
FP8GEMM_CACHE_DIR=$warm_cache bash -c "time $tool compile --suite deepseek-v3 -q" 2>&1 | tail -5
