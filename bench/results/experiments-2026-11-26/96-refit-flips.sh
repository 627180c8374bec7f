#!/bin/bash
# Experiment 96 (session 19): the re-fitted cost model's flips outside experiment 95's grid. Each line of
# 96-refit-flips.list is one shape with the config the heuristic chose before the re-fit and the one it chooses
# now, timed in turn (the heuristic's own run is the new choice).
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
LIST=$R/bench/results/experiments-2026-11-26/96-refit-flips.list
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
mkdir -p $OUT/96
start=$(date +%s)
i=0
while IFS='|' read -r shape configs; do
  i=$((i + 1))
  args=(); for c in $configs; do args+=(--config $c); done
  $T bench $shape --no-baselines --iters ${ITERS:-40} "${args[@]}" --json $OUT/96/line$i.json > $OUT/96/line$i.log 2>&1 ||
    echo "line $i failed: $(tail -2 $OUT/96/line$i.log)"
done < $LIST
echo "96 done in $(( $(date +%s) - start )) s"
