#!/bin/bash
# Experiment 66 (prepared in session 13, not yet run): the TMA-store epilogue stages two 8-column groups of the warp's
# 16 rows per stmatrix.x4 (66-epilogue-stmatrix.patch, kernels only) instead of one 4-byte st.shared per lane and
# fragment pair: 16 instructions instead of 64 per thread for a 256-wide tile (the bytes, 64 KB a tile, stay).
# Experiment 62: the epilogue takes 1250-1650 cycles a tile with both math warpgroups off the tensor cores (11-13%
# of a K=2048 tile). The mapping of lanes to staged bytes was checked equal to the old one by emulation, and the
# kernels compile without spills, pass the SASS test, and hold 16 (256-wide) or 8 (128-wide) STSM. The GPU tests on
# the patched kernels first (EpiloguePaths covers every staging path), then main's and the patched kernels in turn:
# two rounds of 100 runs, then the K=2048 and K=512 rows at the cap. Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
declare -A dir=([base]=$PWD/kernels [new]=/tmp/k66/kernels)
rm -rf /tmp/k66 && mkdir -p /tmp/k66 && cp -r kernels /tmp/k66/ &&
  (cd /tmp/k66 && patch -p1 -s < "$here/66-epilogue-stmatrix.patch") || exit 1
echo "== GPU tests on the patched kernels"
FP8GEMM_KERNELS_DIR=${dir[new]} GPU_CHECK_BUDGET_S=250 scripts/gpu-check --only tests $OUT/t -- -E KernelSass \
  > $OUT/check.log 2>&1
tail -6 $OUT/check.log
B=build-gpu/tools/fp8gemm
row() { grep -E "^(normal|contiguous|masked) |FAIL" | cut -c1-75; }
shapes=("--shape 4096,32768,512" "--shape 4096,7168,2048" "--shape 4096,24576,1536" "--contiguous 8,4096,7168,2048"
        "--contiguous 4,8192,4096,7168" "--masked 1,1024,4096,7168" "--shape 64,7168,2048" "--shape 128,32768,512")
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
  for args in "--contiguous 8,4096,7168,2048 --iters 3400" "--shape 4096,7168,2048 --iters 15000" \
              "--shape 4096,32768,512 --iters 12000"; do
    for v in $order; do
      line=$(FP8GEMM_KERNELS_DIR=${dir[$v]} $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) ')
      echo "c$round $v ${line:0:60} ${line: -12}"
    done
  done
done
