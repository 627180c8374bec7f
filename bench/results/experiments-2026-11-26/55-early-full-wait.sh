#!/bin/bash
# Experiment 55 (session 12): inside a run of overlapped K blocks (tiles of 64-column parts), the next block's full
# barrier waited for right after this block's third part is issued (55-early-full-wait.patch, the working tree's
# kernels), against main's kernels (`git archive HEAD kernels`, FP8GEMM_KERNELS_DIR), each with runs of 4 (the
# heuristic) and 8 (FP8GEMM_CONFIG). The GPU tests of the grouped and 192-wide paths on the working tree first; then
# our kernel only, in turn, two rounds, 100 runs (the suite's protocol); then rows at the power cap (~2.5 s).
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
BASE=/tmp/base && rm -rf $BASE && mkdir -p $BASE && git archive HEAD kernels | tar -x -C $BASE
echo "base: main's kernels ($(git rev-parse --short HEAD)); new: the working tree's ($(git diff --stat HEAD -- kernels | tail -1))"
(cd build-gpu && timeout 200 ctest -j4 --timeout 150 -E KernelSass > $OUT/ctest.log 2>&1; grep -E "tests passed|Failed" $OUT/ctest.log)
row() { grep -E "^(normal|contiguous|masked) " | cut -d'|' -f1,2; }
declare -A dir=([base4]=$BASE/kernels [base8]=$BASE/kernels [new4]=$PWD/kernels [new8]=$PWD/kernels)
declare -A cfg=([base4]="" [base8]=128,256,3,1,8 [new4]="" [new8]=128,256,3,1,8)
shapes=("4,8192,4096,7168" "4,8192,7168,2048" "8,4096,4096,7168" "8,4096,7168,2048")
for s in "${shapes[@]}"; do for v in base4 base8 new4 new8; do
  FP8GEMM_CONFIG=${cfg[$v]} FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench --contiguous $s --no-baselines --iters 1 >/dev/null 2>&1 &
done; done
FP8GEMM_KERNELS_DIR=$BASE/kernels $B bench --shape 4096,2112,7168 --no-baselines --iters 1 >/dev/null 2>&1 &
$B bench --shape 4096,2112,7168 --no-baselines --iters 1 >/dev/null 2>&1 &
wait
for round in 1 2; do
  order="base4 new4 base8 new8"; [ $round = 2 ] && order="new8 base8 new4 base4"
  for s in "${shapes[@]}"; do for v in $order; do
    echo "r$round $v $(FP8GEMM_CONFIG=${cfg[$v]} FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench --contiguous $s --no-baselines --iters 100 2>&1 | row)"
  done; done
  for v in base4 new4; do
    echo "r$round $v $(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench --shape 4096,2112,7168 --no-baselines --iters 300 2>&1 | row)"
  done
done
echo "== at the power cap (MHz, W)"
for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"; do
  for v in base4 new4 base8 new8; do
    echo "$v $(FP8GEMM_CONFIG=${cfg[$v]} FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
  done
done
