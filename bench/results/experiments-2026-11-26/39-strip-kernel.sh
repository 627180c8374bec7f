#!/bin/bash
# Experiment 39: strip the real normal 128x256 kernel toward experiment 35's loop, one part at a time (probe kernels).
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
for round in 1 2; do
for k in kprobe kb_noscale kb_nowait kb_noload kb_noload_noscale; do
  for c in 128,256,4,1 128,256,4,1,4; do
    t=$(FP8GEMM_CONFIG=$c FP8GEMM_KERNELS_DIR=$PWD/.scratch/$k $B bench --shape 4096,7168,16384 --no-baselines --iters 20 2>&1 | grep -E "^normal" | awk -F'|' '{print $2}' | awk '{print $1, $2}')
    pr=$(FP8GEMM_PROBE=1 FP8GEMM_CONFIG=$c FP8GEMM_KERNELS_DIR=$PWD/.scratch/$k $B bench --shape 4096,7168,16384 --no-baselines --iters 2 2>&1 | grep PROBE | tail -1 | sed 's/PROBE normal_n7168_k16384_bm128_bn256_s4_c1//')
    echo "r$round $k $c | us TF $t |$pr"
  done
done
done
