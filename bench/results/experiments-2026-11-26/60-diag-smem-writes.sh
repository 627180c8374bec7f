#!/bin/bash
# Experiment 60 (session 13), a diagnostic whose outputs are wrong on purpose: what do the loads cost? Variants load
# B (60-diag-no-b-odd.patch: 32 of 48 KB per K block) or A (60-diag-no-a-odd.patch: 16 KB) on even K blocks only;
# the math is unchanged and reads the stage's stale tile on odd blocks. Experiment 59 cut L2 reads by a sixth (A
# pairs) without cutting the bytes each CTA's shared memory receives, and gained nothing. If halving a tile's loads
# gains, the cost is in receiving the bytes (TMA issue or shared-memory writes beside the wgmma reads), not in L2.
# At the power cap, in turn, two rounds. Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [noA]=/tmp/knoa/kernels [noB]=/tmp/knob/kernels)
for v in noA noB; do
  p=$here/60-diag-no-a-odd.patch; [ $v = noB ] && p=$here/60-diag-no-b-odd.patch
  d=$(dirname ${dir[$v]}) && rm -rf $d && mkdir -p $d && cp -r kernels $d/ && (cd $d && patch -p1 -s < $p) || exit 1
done
scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
B=build-gpu/tools/fp8gemm
rows=("--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"
      "--shape 4096,7168,16384 --iters 3000")
for args in "${rows[@]}"; do
  for v in base noA noB; do FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench ${args%--iters*} --no-baselines --iters 1 >/dev/null 2>&1 & done
done
wait
for round in 1 2; do
  order="base noA noB"; [ $round = 2 ] && order="noB noA base"
  for args in "${rows[@]}"; do
    for v in $order; do
      line=$(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) ')
      echo "r$round $v ${line:0:60} ${line: -12}"  # MHz, W at the end
    done
  done
done
