#!/bin/bash
# Experiment 56 (session 12), a diagnostic: are the A/B scales (4-byte cp.async by the producer's second warp, 32
# arrivals on each stage's full barrier) what the math warpgroups wait for? Variant noscalewait: the full barrier
# counts the TMA thread only and the scale warp does not arrive, so the math reads the scales whenever the A and B
# tiles are in (a race: its outputs may be wrong, and the bench says so). Against main's kernels, our kernel only,
# in turn, two rounds of 100 runs, then one row each at the power cap. Variant noscaleload also leaves out the scale
# warp's copies (the math reads whatever the stage's scale slots hold): what the copies' traffic costs. Run from the repository root on the GPU machine.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
V=/tmp/k56 && rm -rf $V && mkdir -p $V && cp -r kernels $V/
f=$V/kernels/fp8gemm/gemm.cuh
sed -i 's|ptx::mbarrier_init(&full\[s\], 1 + 32);|ptx::mbarrier_init(\&full[s], 1);|; s|ptx::cp_async_arrive(&full\[s\]);|/* no arrival */|' $f
[ "$(grep -c 'mbarrier_init(&full\[s\], 1);\|/\* no arrival \*/' $f)" = 2 ] || { echo "sed failed"; exit 1; }
W=/tmp/k56b && rm -rf $W && cp -r $V $W
g=$W/kernels/fp8gemm/gemm.cuh
sed -i 's|ptx::cp_async_4(smem_sa(s) + lane + 32 \* r, sa_row\[r\], in_tensor\[r\]);|/* no sa copy */|; s|if (lane < 2) ptx::cp_async_4(smem_sb(s) + lane, sb + kb, true);|/* no sb copy */|' $g
[ "$(grep -c 'no sa copy\|no sb copy' $g)" = 2 ] || { echo "sed 2 failed"; exit 1; }
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 8,4096,7168,2048" "--shape 4096,7168,16384" "--shape 4096,7168,2048")
for args in "${shapes[@]}"; do
  $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
  FP8GEMM_KERNELS_DIR=$V/kernels $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
  FP8GEMM_KERNELS_DIR=$W/kernels $B bench $args --no-baselines --iters 1 >/dev/null 2>&1 &
done
wait
for round in 1 2; do
  for args in "${shapes[@]}"; do
    echo "r$round base        $($B bench $args --no-baselines --iters 100 2>&1 | row)"
    echo "r$round noscalewait $(FP8GEMM_KERNELS_DIR=$V/kernels $B bench $args --no-baselines --iters 100 2>&1 | row)"
    echo "r$round noscaleload $(FP8GEMM_KERNELS_DIR=$W/kernels $B bench $args --no-baselines --iters 100 2>&1 | row)"
  done
done
echo "== at the power cap (MHz, W)"
echo "base        $($B bench --contiguous 8,4096,7168,2048 --iters 3400 --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
echo "noscalewait $(FP8GEMM_KERNELS_DIR=$V/kernels $B bench --contiguous 8,4096,7168,2048 --iters 3400 --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
echo "noscaleload $(FP8GEMM_KERNELS_DIR=$W/kernels $B bench --contiguous 8,4096,7168,2048 --iters 3400 --no-baselines 2>&1 | grep -E '^contiguous' | cut -c1-60,200-)"
