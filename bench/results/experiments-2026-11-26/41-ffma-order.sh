#!/bin/bash
# Experiment 41: the promotion's FFMAs grouped by scale (row r, then row r+8) against main's order, in turn.
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
shapes=("--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048" "--shape 4096,2112,7168" "--shape 4096,24576,1536" "--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--masked 1,1024,4096,7168" "--shape 128,7168,16384" "--shape 64,7168,16384")
for round in 1 2 3; do
  for args in "${shapes[@]}"; do
    for k in kernels .scratch/korder; do
      t=$(FP8GEMM_KERNELS_DIR=$PWD/$k $B bench $args --no-baselines --iters 30 2>&1 | grep -E "^(normal|contiguous|masked) " | awk -F'|' '{print $1 "|" $2}' | awk '{$NF=$NF; print}')
      echo "r$round $k | $t"
    done
  done
done
