#!/bin/bash
# Experiment 73 (prepared in session 14 on branch lead-band-rows, not yet run): the tile scheduler's band height as a
# kernel parameter (FP8GEMM_CONFIG's 6th field, BAND_ROWS), timed with the grid at the cap. Experiments 67-72: a grid
# whose waves are whole fractions of a band ran up to 8% faster per clock (N=4096 K=7168: 128 CTAs, bands of 16), and
# on contiguous N=7168 K=2048 128 CTAs with bands of 32 beat the balanced 131 with bands of 16 by 0.9-1.5%. Here, per
# row: the heuristic's kernel and grid (base) against the same kernel with other band heights and grids, in turn, two
# rounds, the order reversed in the second. Run from the repository root on the GPU machine (after the GPU tests of
# the branch: scripts/gpu-check --only tests).
set -u
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "${OUT:-/tmp}/build" > "${OUT:-/tmp}/build.log" 2>&1 ||
  { tail -20 "${OUT:-/tmp}/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
# ROW|ITERS|VARIANT;VARIANT... where VARIANT = NAME:FP8GEMM_CONFIG:NUM_SMS ("-" for the heuristic's, 0 for all SMs)
rows=(
  "--contiguous 8,4096,7168,2048|3400|base:-:0;b32g128:128,256,3,1,4,32:128;b64g128:128,256,3,1,4,64:128"
  "--contiguous 4,8192,7168,2048|3400|base:-:0;b32g128:128,256,3,1,4,32:128;b64g128:128,256,3,1,4,64:128"
  "--shape 4096,7168,2048|15000|base:-:0;b32:128,256,3,1,0,32:0"
  "--shape 4096,7168,16384|3000|base:-:0;b32:128,256,3,1,0,32:0"
  "--contiguous 4,8192,4096,7168|1700|base:-:0;b8:128,256,3,1,4,8:0;b32:128,256,3,1,4,32:0"
)
run() {  # ROW ITERS CONFIG SMS
  local env=()
  [ "$3" != - ] && env=(FP8GEMM_CONFIG="$3")
  # shellcheck disable=SC2086  # a row is several arguments
  env "${env[@]}" "$tool" bench $1 --num-sms "$4" --no-baselines --iters "$2" 2>&1 | grep -E '^(normal|contiguous) |FAIL|rror' | head -1
}
for spec in "${rows[@]}"; do  # compile every kernel first
  IFS='|' read -r row iters variants <<< "$spec"
  IFS=';' read -ra vs <<< "$variants"
  for v in "${vs[@]}"; do IFS=: read -r name config sms <<< "$v"; run "$row" 1 "$config" "$sms" > /dev/null; done
done
for round in 1 2; do
  for spec in "${rows[@]}"; do
    IFS='|' read -r row iters variants <<< "$spec"
    IFS=';' read -ra vs <<< "$variants"
    ((round == 2)) && for ((i = 0, j = ${#vs[@]} - 1; i < j; ++i, --j)); do t=${vs[i]}; vs[i]=${vs[j]}; vs[j]=$t; done
    for v in "${vs[@]}"; do
      IFS=: read -r name config sms <<< "$v"
      line=$(run "$row" "$iters" "$config" "$sms")
      echo "c$round $name ${line:0:60} ${line: -12}"
    done
  done
done
