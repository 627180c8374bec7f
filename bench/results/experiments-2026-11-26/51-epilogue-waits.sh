#!/bin/bash
# Experiment 51 (session 11): the per-tile cost (~3500 cycles, from the K=7168 and K=2048 rows of experiment 50).
# Main's kernels against k-nowait (no wait for the first round's TMA stores before the second round of the
# epilogue: racy, timing only) and k-nostore (no TMA stores at all), 51-epilogue-waits.patch. Rows of >2 s for NVML.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
for round in 1 2; do
  for k in $PWD/kernels $PWD/.scratch/k-nowait $PWD/.scratch/k-nostore; do
    for args in "--contiguous 4,8192,4096,7168 --iters 1300" "--contiguous 4,8192,7168,2048 --iters 2500" "--shape 4096,7168,2048 --iters 6000"; do
      echo "r$round $(basename $k) $(FP8GEMM_KERNELS_DIR=$k $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous|masked) ')"
    done
  done
done
