#!/bin/bash
# Experiment 83 (session 16), one device call. Run from the repository root on the GPU machine.
# A. NVRTC 12.9+ keeps compiled programs in the CUDA driver's compute cache (CUDA_CACHE_PATH, CUDA_CACHE_DISABLE):
#    experiment 81's second empty-cache run "compiled" the contiguous kernels in 62-65 ms. Cold figures on a machine
#    with a driver must turn it off. The DeepSeek-V3 list with -j1, each run in an empty fp8gemm cache:
#    (1) CUDA_CACHE_DISABLE=1 (truly cold); (2) NVRTC's cache on, in an empty CUDA_CACHE_PATH (cold, filling it);
#    (3) the same CUDA_CACHE_PATH again (NVRTC's hits). Then one heavy kernel per process, cold, with NVRTC's cache
#    off and on: the process's first compile pays for loading the driver when its cache is on.
# B. Today the first contiguous row (G=4 N=4096 K=7168) read 1203-1301 TFLOPS in five suite runs, the third
#    (G=8 N=4096 K=7168, the same kernel) 1314-1341. The first row of the process, or G=4? Both orders in one process.
set -u
out=${OUT:-/tmp}
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "$out/build" > "$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
echo "== A"
nv=$(mktemp -d)
for spec in "off|1" "fill|0" "hits|0"; do
  IFS='|' read -r name disable <<< "$spec"
  CUDA_CACHE_DISABLE=$disable CUDA_CACHE_PATH=$nv FP8GEMM_CACHE_DIR=$(mktemp -d) "$tool" compile --suite deepseek-v3 -j1 -q \
    --json "$out/83-$name.json" 2>&1 | grep "kernel(s)" | sed "s/^/$name: /"
done
for i in 1 2; do
  for disable in 1 0; do
    start=$(date +%s.%N)
    CUDA_CACHE_DISABLE=$disable CUDA_CACHE_PATH=$(mktemp -d) FP8GEMM_CACHE_DIR=$(mktemp -d) \
      "$tool" compile --layer contiguous:4096:7168:4 --m-min 32768 --m-max 32768 -j1 2>&1 | grep "gemm_con" |
      sed "s/^/CUDA_CACHE_DISABLE=$disable /"
    awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "  the process: %.2f s\n", e - s }'
  done
done
echo "== B"
a="--contiguous 4,8192,4096,7168"; b="--contiguous 8,4096,4096,7168"
for order in "$a $b $a $b" "$b $a $b $a"; do
  echo "-- $order"
  # shellcheck disable=SC2086
  "$tool" bench $order 2>&1 | grep -E '^contiguous '
done
