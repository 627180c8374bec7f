#!/bin/bash
# Experiment 54 (session 12; the working tree then: 54-epilogue-overlap.patch on 44f8af3): each tile's first K
# block issued before the previous tile's epilogue (its first two
# 64-column parts, or the whole block of a one-part tile, run on the tensor cores while the epilogue converts and
# stores), against main's kernels (`git archive HEAD kernels`, through FP8GEMM_KERNELS_DIR: the host side is the
# same). The GPU tests on the working tree first, then our kernel only, in turn, shape by shape, two rounds, the
# suite's protocol (100 runs, L2 flushed); then two contiguous rows at the power cap (~2.5 s each).
# Run from the repository root on the GPU machine.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
BASE=/tmp/base && rm -rf $BASE && mkdir -p $BASE && git archive HEAD kernels | tar -x -C $BASE
echo "base: main's kernels ($(git rev-parse --short HEAD)); new: the working tree's ($(git diff --stat HEAD -- kernels | tail -1))"
(cd build-gpu && timeout 300 ctest -j4 --timeout 200 > $OUT/ctest.log 2>&1; tail -3 $OUT/ctest.log)
row() { grep -E "^(normal|contiguous|masked) " | cut -d'|' -f1,2; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--contiguous 8,4096,4096,7168"
        "--contiguous 8,4096,7168,2048" "--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048"
        "--shape 4096,24576,1536" "--shape 4096,32768,512" "--shape 4096,2112,7168" "--masked 1,1024,4096,7168"
        "--masked 1,1024,7168,2048" "--masked 4,256,7168,2048" "--shape 128,7168,2048" "--shape 64,7168,2048"
        "--shape 128,32768,512" "--shape 128,4096,7168")
for args in "${shapes[@]}"; do  # compile first, in parallel
  FP8GEMM_KERNELS_DIR=$BASE/kernels $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
  $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
done
wait
for round in 1 2; do
  for args in "${shapes[@]}"; do
    echo "r$round base $(FP8GEMM_KERNELS_DIR=$BASE/kernels $B bench $args --no-baselines --iters 100 2>&1 | row)"
    echo "r$round new  $($B bench $args --no-baselines --iters 100 2>&1 | row)"
  done
done
echo "== at the power cap (MHz, W)"
for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"; do
  for round in 1 2; do
    echo "r$round base $(FP8GEMM_KERNELS_DIR=$BASE/kernels $B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
    echo "r$round new  $($B bench $args --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
  done
done
