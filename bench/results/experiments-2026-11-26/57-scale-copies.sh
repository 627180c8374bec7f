#!/bin/bash
# Experiment 57 (prepared in session 12, not yet run): fewer scale copies, two forms, against main's kernels.
#   16b:  the A scales by one 16-byte cp.async per lane where MN-major and 16-byte aligned (57-scale-copies-16b.patch;
#         also branch lead-scales-16b);
#   bulk: for tiles whose rows are all inside the tensor (the same layout condition), lane 0 of the scale warp
#         brings the block's A scales in one bulk copy counted in bytes on the stage's full barrier; other tiles
#         as before (57-scale-copies-bulk.patch).
# Both kernels-only. The GPU tests on each patched tree first (FP8GEMM_KERNELS_DIR), then our
# kernel only, in turn, two rounds of 100 runs, then rows at the power cap (~2.5 s). Upper bound of the gain:
# experiment 56's 3.4%. Run from the repository root on the GPU machine, with the patches beside this script.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [16b]=/tmp/k16/kernels [bulk]=/tmp/kbulk/kernels)
for v in 16b bulk; do
  d=$(dirname ${dir[$v]}) && rm -rf $d && mkdir -p $d && cp -r kernels $d/ &&
    (cd $d && patch -p1 -s < "$here/57-scale-copies-$v.patch") || exit 1
done
for v in 16b bulk; do
  echo "== GPU tests on $v"
  # KernelSass passed here for both (CPU-only: no local memory, no serialized wgmma); the GPU tests only.
  FP8GEMM_KERNELS_DIR=${dir[$v]} GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only tests $OUT/t-$v -- -E KernelSass \
    > $OUT/check-$v.log 2>&1
  tail -6 $OUT/check-$v.log
done
B=build-gpu/tools/fp8gemm
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 8,4096,7168,2048" "--shape 4096,7168,2048" "--shape 4096,32768,512"
        "--shape 4096,7168,16384" "--masked 1,1024,4096,7168" "--shape 128,7168,2048" "--shape 4096,2112,7168")
for args in "${shapes[@]}"; do
  for v in base 16b bulk; do FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 & done
done
wait
for round in 1 2; do
  order="base 16b bulk"; [ $round = 2 ] && order="bulk 16b base"
  for args in "${shapes[@]}"; do
    for v in $order; do
      echo "r$round $v $(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines --iters 100 2>&1 | row)"
    done
  done
done
echo "== at the power cap (MHz, W)"
for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"; do
  for v in base 16b bulk; do
    echo "$v $(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
  done
done
