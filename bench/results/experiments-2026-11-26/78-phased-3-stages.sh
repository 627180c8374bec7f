#!/bin/bash
# Experiment 78 (session 15): experiment 77's out-of-phase warpgroups with the heuristic's 3 stages
# (78-phased-3-stages.patch: 77's patch with kPhased from 3 stages on; the two warpgroups use the first half of the
# 64 KB staging tile). The epilogue-path GPU tests with the patched kernels, then base (this tree's kernels) against
# phased3, both the heuristic's configs, at the power cap, in turn, two rounds. Run from the repository root on the
# GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp}
rm -rf /tmp/phased3 && mkdir -p /tmp/phased3 && cp -r kernels /tmp/phased3/ &&
  (cd /tmp/phased3 && patch -p1 -s < "$here/78-phased-3-stages.patch") || exit 1
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "$out/build" > "$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
FP8GEMM_KERNELS_DIR=/tmp/phased3/kernels timeout 120 build-gpu/tests/fp8gemm_gpu_tests \
  --gtest_filter='EpiloguePaths.*:GroupedGemm.*' > "$out/tests-phased3.log" 2>&1
echo "EpiloguePaths, GroupedGemm (phased3 kernels): rc $? $(grep -E '^\[  (PASSED|FAILED)' "$out/tests-phased3.log" | tr '\n' ' ')"
rows=("--contiguous 8,4096,7168,2048|3400" "--contiguous 4,8192,7168,2048|3400" "--contiguous 4,8192,4096,7168|1700"
      "--shape 4096,7168,2048|15000")
for spec in "${rows[@]}"; do  # compile first
  IFS='|' read -r row iters <<< "$spec"
  # shellcheck disable=SC2086  # a row is several arguments
  for dir in "$PWD/kernels" /tmp/phased3/kernels; do FP8GEMM_KERNELS_DIR=$dir "$tool" bench $row --no-baselines --iters 1 > /dev/null 2>&1; done
done
for round in 1 2; do
  for spec in "${rows[@]}"; do
    IFS='|' read -r row iters <<< "$spec"
    vs=("base:$PWD/kernels" "phased3:/tmp/phased3/kernels")
    ((round == 2)) && vs=("phased3:/tmp/phased3/kernels" "base:$PWD/kernels")
    for v in "${vs[@]}"; do
      # shellcheck disable=SC2086
      line=$(FP8GEMM_KERNELS_DIR=${v#*:} "$tool" bench $row --no-baselines --iters "$iters" 2>&1 | grep -E '^(normal|contiguous) |FAIL|rror' | head -1)
      echo "c$round ${v%%:*} ${line:0:62} ${line: -12}"
    done
  done
done
