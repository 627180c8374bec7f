#!/bin/bash
# Experiment 75 (session 15): the band rule of choose_config (bands of 32 where only they let a sized grid's waves
# each cover a whole fraction of a band) against the choice before it, forced through FP8GEMM_CONFIG (bands of 16,
# whose grid is then the balanced one as before). Per row, in turn, three rounds with the order swapped in each: in
# the suite's conditions (default iterations) and at the power cap (ITERS). Run from the repository root on the GPU
# machine.
set -u
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "${OUT:-/tmp}/build" > "${OUT:-/tmp}/build.log" 2>&1 ||
  { tail -20 "${OUT:-/tmp}/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
# ROW|CAP_ITERS|CONFIG_BEFORE
rows=(
  "--contiguous 4,8192,7168,2048|3400|128,256,3,1,4"
  "--contiguous 8,4096,7168,2048|3400|128,256,3,1,4"
  "--shape 4096,7168,2048|15000|128,256,3,1,0"
  "--shape 4096,7168,16384|3000|128,256,3,1,0"
)
run() {  # ROW ITERS CONFIG ("-": the heuristic's); with ITERS 1, the kernel and grid chosen
  local env=()
  [ "$3" != - ] && env=(FP8GEMM_CONFIG="$3")
  local iters=()
  [ "$2" != - ] && iters=(--iters "$2")
  [ "$2" = 1 ] && env+=(FP8GEMM_JIT_VERBOSE=1)
  # shellcheck disable=SC2086  # a row is several arguments
  env "${env[@]}" "$tool" bench $1 --no-baselines "${iters[@]}" 2>&1 | grep -E '^(normal|contiguous) |FAIL|rror| CTAs$' |
    if [ "$2" = 1 ]; then grep -E 'CTAs|FAIL|rror'; else head -1; fi
}
for spec in "${rows[@]}"; do  # compile both kernels first, and show their names and grids
  IFS='|' read -r row cap before <<< "$spec"
  echo "new: $(run "$row" 1 -)"
  echo "old: $(run "$row" 1 "$before")"
done
for iters_kind in suite cap; do
  for round in 1 2 3; do
    for spec in "${rows[@]}"; do
      IFS='|' read -r row cap before <<< "$spec"
      iters=-
      [ $iters_kind = cap ] && iters=$cap
      [ $iters_kind = cap ] && ((round == 3)) && continue
      order=(- "$before")
      ((round % 2 == 0)) && order=("$before" -)
      for config in "${order[@]}"; do
        name=new
        [ "$config" != - ] && name=old
        line=$(run "$row" "$iters" "$config")
        echo "$iters_kind$round $name ${line:0:60} ${line: -12}"
      done
    done
  done
done
