#!/bin/bash
# Experiment 57 (prepared in session 12, not yet run): the A scales by one 16-byte cp.async per lane where MN-major and
# 16-byte aligned (57-scale-copies-16b.patch, kernels only; also branch lead-scales-16b), against main's kernels. The
# GPU tests and the correctness sweep on the patched kernels first (FP8GEMM_KERNELS_DIR), then our kernel only, in turn,
# two rounds of 100 runs, then rows at the power cap (~2.5 s). Run from the repository root on the GPU machine, with
# the patch beside this script. Upper bound of the gain: experiment 56's 3.4%.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NEW=/tmp/k16 && rm -rf $NEW && mkdir -p $NEW && cp -r kernels $NEW/ &&
  (cd $NEW && patch -p1 -s < "$here/57-scale-copies-16b.patch") || exit 1
FP8GEMM_KERNELS_DIR=$NEW/kernels GPU_CHECK_BUDGET_S=300 scripts/gpu-check --only tests,check $OUT/t > $OUT/check.log 2>&1
tail -12 $OUT/check.log
B=build-gpu/tools/fp8gemm
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 8,4096,7168,2048" "--shape 4096,7168,2048" "--shape 4096,32768,512"
        "--shape 4096,7168,16384" "--masked 1,1024,4096,7168" "--shape 128,7168,2048" "--shape 4096,2112,7168")
for args in "${shapes[@]}"; do
  $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
  FP8GEMM_KERNELS_DIR=$NEW/kernels $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
done
wait
for round in 1 2; do
  for args in "${shapes[@]}"; do
    echo "r$round base $($B bench $args --no-baselines --iters 100 2>&1 | row)"
    echo "r$round new  $(FP8GEMM_KERNELS_DIR=$NEW/kernels $B bench $args --no-baselines --iters 100 2>&1 | row)"
  done
done
echo "== at the power cap (MHz, W)"
for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"; do
  for round in 1 2; do
    echo "r$round base $($B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
    echo "r$round new  $(FP8GEMM_KERNELS_DIR=$NEW/kernels $B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
  done
done
