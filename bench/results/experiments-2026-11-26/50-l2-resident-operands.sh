#!/bin/bash
# Experiment 50 (session 11): how much of the real loop's gap to the microbenchmark is the operands' journey?
# Main's kernels against two patched copies (50-l2-resident-operands.patch; wrong results, timing only):
# k-hot loads K blocks kb % 4 only (operands L2-resident, 4 distinct stages of data per tile), k-none loads
# nothing (the math runs on whatever the stages hold). Rows long enough (>2 s) for NVML's clock and power.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
for round in 1 2; do
  for k in $PWD/kernels $PWD/.scratch/k-hot $PWD/.scratch/k-none; do
    for args in "--contiguous 4,8192,4096,7168 --iters 1300" "--contiguous 4,8192,7168,2048 --iters 2500" "--shape 4096,7168,16384 --iters 2700"; do
      echo "r$round $(basename $k) $(FP8GEMM_KERNELS_DIR=$k $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous|masked) ')"
    done
  done
done
