#!/bin/bash
# Experiment 37: L2 prefetch by few CTAs (kpf4, kpf8) against main's kernels, in turn; then the probe with it.
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
shapes=("--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048" "--shape 4096,2112,7168" "--contiguous 4,8192,4096,7168" "--masked 1,1024,4096,7168" "--shape 128,7168,16384")
for round in 1 2; do
  for k in kernels .scratch/kpf4 .scratch/kpf8; do
    for args in "${shapes[@]}"; do
      line=$(FP8GEMM_KERNELS_DIR=$PWD/$k $B bench $args --no-baselines --iters 40 2>&1 | grep -E "^(normal|contiguous|masked) ")
      echo "r$round $k | $line"
    done
  done
done
echo "== probe with prefetch 8"
export FP8GEMM_PROBE=1
for args in "${shapes[@]}"; do
  FP8GEMM_KERNELS_DIR=$PWD/.scratch/kpfprobe $B bench $args --no-baselines --iters 3 2>&1 | grep PROBE | tail -1
done
