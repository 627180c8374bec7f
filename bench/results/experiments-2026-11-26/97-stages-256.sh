#!/bin/bash
# Experiment 97 (session 20): 3 against 4 stages for 128x256 tiles, over the number of waves. The heuristic gives
# them 4 stages (two staging rounds) up to two waves and 3 (whole-tile staging) past that (experiment 52, session 11);
# experiment 95's data disagreed in places (N=32768 K=512 4 stages 2.5-6% faster at 4-8 waves, N=7168 K=16384 3
# stages 1.5-2% faster at 1.9 waves). Each line of 97-stages-256.list: shapes and the configs timed in turn with
# the heuristic's choice; ROUNDS rounds of the whole list (default 2).
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
LIST=$R/bench/results/experiments-2026-11-26/97-stages-256.list
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
mkdir -p $OUT/97
start=$(date +%s)
for round in $(seq 1 ${ROUNDS:-2}); do
  i=0
  while IFS='|' read -r shapes configs; do
    i=$((i + 1))
    args=(); for c in $configs; do args+=(--config $c); done
    $T bench $shapes --no-baselines --iters ${ITERS:-40} "${args[@]}" --json $OUT/97/r${round}-line$i.json > $OUT/97/r${round}-line$i.log 2>&1 ||
      echo "round $round line $i failed: $(tail -2 $OUT/97/r${round}-line$i.log)"
    echo "round $round line $i done at $(( $(date +%s) - start )) s"
  done < $LIST
done
nvidia-smi --query-gpu=name,power.limit,clocks.max.sm --format=csv > $OUT/97/gpu.txt
