#!/bin/bash
# Experiment 95 (session 18): data for re-fitting the heuristic's cost model. Each line of 95-cost-model-sweep.list
# is a set of shapes (DeepSeek-V3 layers over a grid of M) and every 128-row config whose modelled cost was within
# 30% of the model's pick for one of them, each with the cluster, stages and runs that the heuristic's rules give
# that width (band 16). All are timed in turn with the heuristic's choice (fp8gemm bench --config).
# Compiles first, one process per line in parallel (the kernels depend on N, K and the config, not on M).
# LINES="9 10 ..." runs only those lines of the list (a device call is capped at 10 minutes; the whole list takes ~20).
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
LIST=$R/bench/results/experiments-2026-11-26/95-cost-model-sweep.list
ITERS=${ITERS:-40}
LINES=${LINES:-$(seq -s' ' 1 $(wc -l < $LIST))}
selected() { [[ " $LINES " == *" $1 "* ]]; }
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
mkdir -p $OUT/95
export CUDA_CACHE_DISABLE=1
start=$(date +%s)
i=0
while IFS='|' read -r shapes configs; do
  i=$((i + 1)); selected $i || continue
  args=(); for c in $configs; do args+=(--config $c); done
  first=$(echo $shapes | cut -d' ' -f1-2)
  ( $T bench $first --no-baselines --iters 1 "${args[@]}" > $OUT/95/warm$i.log 2>&1 ) &
  while [ $(jobs -r | wc -l) -ge 12 ]; do sleep 0.2; done
done < $LIST
wait
echo "compiled in $(( $(date +%s) - start )) s"
i=0
while IFS='|' read -r shapes configs; do
  i=$((i + 1)); selected $i || continue
  args=(); for c in $configs; do args+=(--config $c); done
  $T bench $shapes --no-baselines --iters $ITERS "${args[@]}" --json $OUT/95/line$i.json > $OUT/95/line$i.log 2>&1 ||
    echo "line $i failed: $(tail -2 $OUT/95/line$i.log)"
  echo "line $i done at $(( $(date +%s) - start )) s"
done < $LIST
nvidia-smi --query-gpu=name,power.limit,clocks.max.sm --format=csv > $OUT/95/gpu.txt
