#!/bin/bash
# Experiment 65 (prepared in session 13, not yet run): L2 eviction priorities on the TMA loads. At the power cap HBM
# traffic costs clock (experiment 50: operands that never leave L2 ran 2.5-6% faster, all of it clock). On contiguous
# N=4096 K=7168 each group's B (29 MB) is read four times (once per band of 16 m blocks) and A once. Variants, kernels
# only (65-l2-hints-*.patch): ab = A evict_first and B evict_last; b = B evict_last; a = A evict_first. The GPU tests
# on ab (hints change no result, so one variant), then all four kernel trees in turn at the cap, two rounds. The
# long-K normal row is there because its B (117 MB) cannot stay in L2 and evict_last may hurt it. Run from the
# repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [ab]=/tmp/k65ab/kernels [b]=/tmp/k65b/kernels [a]=/tmp/k65a/kernels)
for v in ab b a; do
  d=$(dirname ${dir[$v]}) && rm -rf $d && mkdir -p $d && cp -r kernels $d/ &&
    (cd $d && patch -p1 -s < "$here/65-l2-hints-$v.patch") || exit 1
done
echo "== GPU tests on ab"
FP8GEMM_KERNELS_DIR=${dir[ab]} GPU_CHECK_BUDGET_S=250 scripts/gpu-check --only tests $OUT/t -- -E KernelSass \
  > $OUT/check.log 2>&1
tail -6 $OUT/check.log
B=build-gpu/tools/fp8gemm
rows=("--contiguous 4,8192,4096,7168 --iters 1700" "--contiguous 8,4096,4096,7168 --iters 1700"
      "--contiguous 8,4096,7168,2048 --iters 3400" "--shape 4096,7168,16384 --iters 3000")
for args in "${rows[@]}"; do
  for v in base ab b a; do FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench ${args%--iters*} --no-baselines --iters 1 >/dev/null 2>&1 & done
done
wait
for round in 1 2; do
  order="base ab b a"; [ $round = 2 ] && order="a b ab base"
  for args in "${rows[@]}"; do
    for v in $order; do
      line=$(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) ')
      echo "c$round $v ${line:0:60} ${line: -12}"  # MHz, W at the end
    done
  done
done
