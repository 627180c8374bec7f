#!/bin/bash
# Experiment 38: normal 128x256 with the K-block overlap (runs of 2 and 4) against none, in turn with cuBLASLt;
# then where the overlapped kernel's math waits (probe).
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
for round in 1 2; do
  $B bench --shape 4096,7168,16384 --shape 4096,4096,7168 --shape 4096,7168,2048 --shape 4096,24576,1536 --masked 1,1024,4096,7168 \
    --config 128,256,4,1,4 --config 128,256,4,1,2 --iters 40 2>&1 | grep -E "^(normal|masked|  config)"
done
export FP8GEMM_PROBE=1
for c in 128,256,4,1 128,256,4,1,4; do
  FP8GEMM_CONFIG=$c FP8GEMM_KERNELS_DIR=$PWD/.scratch/kprobe $B bench --shape 4096,7168,16384 --no-baselines --iters 3 2>&1 | grep PROBE | tail -1
done
