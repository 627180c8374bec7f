#!/bin/bash
# Experiment 36: where the math warpgroups of the real kernel wait (instrumented kernels in .scratch/kprobe,
# host hook in src/api/gemm.cpp, uncommitted).
cd "$(dirname "$0")/.."
scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
B=build-gpu/tools/fp8gemm
export FP8GEMM_KERNELS_DIR=$PWD/.scratch/kprobe FP8GEMM_PROBE=1
for args in "--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048" "--shape 4096,2112,7168" "--contiguous 4,8192,4096,7168" "--masked 1,1024,4096,7168" "--shape 4224,7168,16384"; do
  echo "== $args"
  $B bench $args --no-baselines --iters 5 2>&1 | grep -E "PROBE|TF" | awk '!seen[$0]++' | tail -4
done
echo "== 128x128 1x2 for comparison"
$B bench --shape 4096,7168,16384 --no-baselines --iters 5 --config 128,128,4,2 2>&1 | grep -E "PROBE" | tail -3
