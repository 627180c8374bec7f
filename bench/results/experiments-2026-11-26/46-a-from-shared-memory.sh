#!/bin/bash
# Experiment 46: register-A tiles with A from shared memory in every part (.scratch/kssparts: main d06d48e's kernels with the change of 92fad3e) in the real kernel:
# correctness (GPU tests, fp8gemm check), then timing in turn against main's kernels.
cd "$(dirname "$0")/.."
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only tests --out $OUT/b -- -R NOTHING > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
K=$PWD/.scratch/kssparts
echo "== gpu tests with kssparts"
FP8GEMM_KERNELS_DIR=$K timeout 200 build-gpu/tests/fp8gemm_gpu_tests --gtest_filter='NormalGemm.*:GroupedGemm.*:EpiloguePaths.*:BadArguments.*' 2>&1 | grep -E "^\[  (PASSED|FAILED) |FAILED|tests ran" | head -20
echo "== check with kssparts"
FP8GEMM_KERNELS_DIR=$K timeout 200 $B check --random 120 --grouped 30 2>&1 | tail -4
shapes=("--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048" "--shape 4096,2112,7168" "--shape 4096,24576,1536" "--shape 4096,32768,512" "--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--masked 1,1024,4096,7168" "--masked 4,256,4096,7168" "--shape 128,7168,16384" "--shape 128,24576,1536")
for round in 1 2; do
  for args in "${shapes[@]}"; do
    for k in $PWD/kernels $K; do
      t=$(FP8GEMM_KERNELS_DIR=$k $B bench $args --no-baselines --iters 30 2>&1 | grep -E "^(normal|contiguous|masked) " | awk -F'|' '{print $1 "|" $2}' | awk '{$NF=$NF; print}')
      echo "r$round $(basename $k) | $t"
    done
  done
done
