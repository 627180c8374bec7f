#!/bin/bash
# Experiment 77 (session 15): the two math warpgroups out of phase (77-phased-epilogue.patch, kernels only): 128x256
# tiles with 4 stages share one 64x256 staging tile, handed from one warpgroup to the other once its stores have read
# it, so that each one's epilogue runs under the other's K loop. First the GPU tests and `fp8gemm check` with the
# patched kernels (FP8GEMM_KERNELS_DIR; EpiloguePaths forces 128x256 with 4 stages, and `check` runs with
# FP8GEMM_CONFIG=128,256,4,1,4), then, in turn: base (this tree's kernels, the heuristic's 3 stages), base4 (this
# tree's kernels forced to 4 stages: the two-round epilogue) and phased4 (the patch, 4 stages), in rows of 100 runs
# (the suite's conditions) and at the power cap. Run from the repository root on the GPU machine.
# Second run (EXP77_CAP_ONLY=1): no tests, no rows of 100 runs, only the K=2048 contiguous rows at the cap.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp}
rm -rf /tmp/phased && mkdir -p /tmp/phased && cp -r kernels /tmp/phased/ &&
  (cd /tmp/phased && patch -p1 -s < "$here/77-phased-epilogue.patch") || exit 1
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "$out/build" > "$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
export FP8GEMM_KERNELS_DIR=/tmp/phased/kernels
[ "${EXP77_CAP_ONLY:-0}" = 1 ] || {
(cd build-gpu && timeout 200 ctest -j 16 -E KernelSass --timeout 120 > "$out/ctest-phased.log" 2>&1)
echo "ctest (phased kernels): $(grep -E 'tests passed|tests failed' "$out/ctest-phased.log")"
grep -E "\(Failed\)|\(Timeout\)" "$out/ctest-phased.log" | head
FP8GEMM_CONFIG=128,256,4,1,4 timeout 150 "$tool" check --random 100 > "$out/check-phased.log" 2>&1
echo "check --random 100, forced 128,256,4,1,4 (phased kernels): rc $? $(tail -1 "$out/check-phased.log")"
grep -E "FAIL|rror" "$out/check-phased.log" | head -5
}
unset FP8GEMM_KERNELS_DIR
# ROW|CAP_ITERS|4-STAGE CONFIG ("-": the heuristic's already has 4 stages)
rows=(
  "--contiguous 8,4096,7168,2048|3400|128,256,4,1,4,32"
  "--contiguous 4,8192,7168,2048|3400|128,256,4,1,4,32"
  "--contiguous 4,8192,4096,7168|1700|128,256,4,1,4"
  "--shape 4096,7168,2048|15000|128,256,4,1,0,32"
  "--masked 1,1024,4096,7168|-|-"
)
[ "${EXP77_CAP_ONLY:-0}" = 1 ] && rows=("${rows[@]:0:2}")
run() {  # ROW ITERS KERNELS_DIR CONFIG
  local env=(FP8GEMM_KERNELS_DIR="$3")
  [ "$4" != - ] && env+=(FP8GEMM_CONFIG="$4")
  # shellcheck disable=SC2086  # a row is several arguments
  env "${env[@]}" "$tool" bench $1 --no-baselines --iters "$2" 2>&1 | grep -E '^(normal|contiguous|masked) |FAIL|rror' | head -1
}
variants() {  # CONFIG4 -> NAME:KERNELS_DIR:CONFIG lines
  echo "base:$PWD/kernels:-"
  [ "$1" != - ] && echo "base4:$PWD/kernels:$1"
  echo "phased4:/tmp/phased/kernels:$1"
}
for spec in "${rows[@]}"; do  # compile every kernel first
  IFS='|' read -r row cap c4 <<< "$spec"
  while IFS=: read -r name dir config; do run "$row" 1 "$dir" "$config" > /dev/null; done < <(variants "$c4")
done
for kind in suite cap; do
  for round in 1 2 3 4; do
    [ $kind = cap ] && ((round > 2)) && continue
    [ $kind = suite ] && [ "${EXP77_CAP_ONLY:-0}" = 1 ] && continue
    for spec in "${rows[@]}"; do
      IFS='|' read -r row cap c4 <<< "$spec"
      iters=100
      if [ $kind = cap ]; then [ "$cap" = - ] && continue; iters=$cap; fi
      mapfile -t vs < <(variants "$c4")
      ((round % 2 == 0)) && mapfile -t vs < <(printf '%s\n' "${vs[@]}" | tac)
      for v in "${vs[@]}"; do
        IFS=: read -r name dir config <<< "$v"
        line=$(run "$row" "$iters" "$dir" "$config")
        echo "$kind$round $name ${line:0:62} ${line: -12}"
      done
    done
  done
done
