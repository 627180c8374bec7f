#!/bin/bash
# Experiment 63 (session 13): the contiguous TMA-store epilogue's row-expert check with its m_indices load issued at
# the tile's start (63-epilogue-index-prefetch.patch, kernels only) instead of in the epilogue, where experiment 62
# saw contiguous epilogues take ~380 cycles a tile longer than normal ones (1630 against 1250). The GPU tests on the
# patched kernels first, then main's and the patched kernels in turn: two rounds of 100 runs on the four contiguous
# rows, then the two contiguous rows at the power cap, two rounds. Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [new]=/tmp/k63/kernels)
rm -rf /tmp/k63 && mkdir -p /tmp/k63 && cp -r kernels /tmp/k63/ &&
  (cd /tmp/k63 && patch -p1 -s < "$here/63-epilogue-index-prefetch.patch") || exit 1
echo "== GPU tests on the patched kernels"
FP8GEMM_KERNELS_DIR=${dir[new]} GPU_CHECK_BUDGET_S=250 scripts/gpu-check --only tests $OUT/t -- -E KernelSass \
  > $OUT/check.log 2>&1
tail -6 $OUT/check.log
B=build-gpu/tools/fp8gemm
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--contiguous 8,4096,4096,7168"
        "--contiguous 8,4096,7168,2048")
for args in "${shapes[@]}"; do
  for v in base new; do FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 & done
done
wait
for round in 1 2; do
  order="base new"; [ $round = 2 ] && order="new base"
  for args in "${shapes[@]}"; do
    for v in $order; do echo "r$round $v $(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines --iters 100 2>&1 | row)"; done
  done
done
echo "== at the power cap (MHz, W at the end)"
for round in 1 2; do
  order="base new"; [ $round = 2 ] && order="new base"
  for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"; do
    for v in $order; do
      line=$(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^contiguous ')
      echo "c$round $v ${line:0:60} ${line: -12}"
    done
  done
done
