#!/bin/bash
# Experiment 64 (session 13): the math warpgroups find the next tile at the start of the current one
# (64-scheduler-lookahead.patch, kernels only), so that the scheduler's work (runtime divisions, the contiguous
# m_indices load) runs while the tile's first stage is still arriving instead of between two tiles with the tensor
# cores idle (260-510 cycles a tile, experiment 62). The GPU tests on the patched kernels first, then main's and the
# patched kernels in turn: two rounds of 100 runs, then rows at the power cap, two rounds. Run from the repository
# root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [new]=/tmp/k64/kernels)
rm -rf /tmp/k64 && mkdir -p /tmp/k64 && cp -r kernels /tmp/k64/ &&
  (cd /tmp/k64 && patch -p1 -s < "$here/64-scheduler-lookahead.patch") || exit 1
echo "== GPU tests on the patched kernels"
FP8GEMM_KERNELS_DIR=${dir[new]} GPU_CHECK_BUDGET_S=250 scripts/gpu-check --only tests $OUT/t -- -E KernelSass \
  > $OUT/check.log 2>&1
tail -6 $OUT/check.log
B=build-gpu/tools/fp8gemm
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--contiguous 8,4096,4096,7168"
        "--contiguous 8,4096,7168,2048" "--shape 4096,7168,2048" "--shape 4096,32768,512" "--shape 4096,7168,16384"
        "--masked 1,1024,4096,7168" "--shape 128,7168,2048" "--shape 4096,2112,7168")
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
  for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700" \
              "--shape 4096,7168,2048 --iters 15000"; do
    for v in $order; do
      line=$(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) ')
      echo "c$round $v ${line:0:60} ${line: -12}"
    done
  done
done
