#!/bin/bash
# Experiment 40: the next K block's scales read while the current block's wgmmas run (kb_early), against the probe
# kernels as they are (kprobe) and with constant scales (kb_noscale, wrong results: the bound), in turn.
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
shapes=("--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048" "--shape 4096,2112,7168" "--contiguous 4,8192,4096,7168" "--masked 1,1024,4096,7168" "--shape 128,7168,16384")
for round in 1 2; do
  for args in "${shapes[@]}"; do
    for k in kprobe kb_early kb_noscale; do
      t=$(FP8GEMM_KERNELS_DIR=$PWD/.scratch/$k $B bench $args --no-baselines --iters 30 2>&1 | grep -E "^(normal|contiguous|masked) " | awk -F'|' '{print $1 "|" $2}' | awk '{$NF=$NF; print}')
      echo "r$round $k | $t"
    done
  done
done
export FP8GEMM_PROBE=1
for k in kprobe kb_early kb_noscale; do
  for c in 128,256,4,1 128,256,4,1,4; do
    echo "$k $c $(FP8GEMM_CONFIG=$c FP8GEMM_KERNELS_DIR=$PWD/.scratch/$k $B bench --shape 4096,7168,16384 --no-baselines --iters 2 2>&1 | grep PROBE | tail -1)"
  done
done
