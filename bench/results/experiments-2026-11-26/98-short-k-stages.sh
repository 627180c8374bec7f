#!/bin/bash
# Experiment 98 (session 20): the stage rule of experiment 97 as landed (128x256 tiles keep 4 stages up to
# 8 waves at K <= 1536), on the DeepSeek-V3 grid points whose choice moved and the next ones past the limit:
# the heuristic (4 stages now, 3 at M=1088 N=32768 and M=1536 N=24576) in turn with both stage counts forced
# (forced against forced is the fair comparison: see experiment 97 on forced masked configs). Line 3 asks where
# that bias comes from: the heuristic's own config forced twice, on masked and normal shapes.
# ROUNDS rounds of the whole list (default 2).
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
LIST=$R/bench/results/experiments-2026-11-26/98-short-k-stages.list
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
mkdir -p $OUT/98
start=$(date +%s)
for round in $(seq 1 ${ROUNDS:-2}); do
  i=0
  while IFS='|' read -r shapes configs; do
    i=$((i + 1))
    args=(); for c in $configs; do args+=(--config $c); done
    $T bench $shapes --no-baselines --iters ${ITERS:-40} "${args[@]}" --json $OUT/98/r${round}-line$i.json > $OUT/98/r${round}-line$i.log 2>&1 ||
      echo "round $round line $i failed: $(tail -2 $OUT/98/r${round}-line$i.log)"
    echo "round $round line $i done at $(( $(date +%s) - start )) s"
  done < $LIST
done
nvidia-smi --query-gpu=name,power.limit,clocks.max.sm --format=csv > $OUT/98/gpu.txt
