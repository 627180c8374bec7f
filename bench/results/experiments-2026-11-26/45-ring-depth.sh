#!/bin/bash
# Experiment 45: do the full-stage waits depend on the ring's depth? Probe of the normal 128x256 kernel with 2, 3
# and 4 stages (FP8GEMM_CONFIG), and of 128x192 with 3 and 4.
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
export FP8GEMM_KERNELS_DIR=$PWD/.scratch/kprobe
for c in 128,256,4,1 128,256,3,1 128,256,2,1 128,192,4,1 128,192,3,1; do
  t=$(FP8GEMM_CONFIG=$c $B bench --shape 4096,7168,16384 --no-baselines --iters 20 2>&1 | grep -E "^normal" | awk -F'|' '{print $2}' | awk '{print $1, $2}')
  p=$(FP8GEMM_PROBE=1 FP8GEMM_CONFIG=$c $B bench --shape 4096,7168,16384 --no-baselines --iters 2 2>&1 | grep PROBE | tail -1)
  echo "$c | us TF $t | $p"
done
