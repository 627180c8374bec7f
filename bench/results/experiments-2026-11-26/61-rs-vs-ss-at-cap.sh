#!/bin/bash
# Experiment 61 (session 13): is the loop's cost at the power cap energy? Experiment 60 halved the bytes each CTA
# receives and the per-clock rate did not move, only the clock rose (+2-5%). The 64-column parts read A from shared
# memory once per part (92fad3e; four times per K block, 64 of the 176 KB of shared-memory traffic per block),
# against once per K block with A in registers (its parent 217ba57, wgmma RS). 92fad3e won 2-5% in 100-run bursts;
# here both commits, each a full build of its own tree, at the cap, in turn, two rounds, clocks and power printed.
# Run from the repository root on the GPU machine (needs the git metadata and .deps/debs).
set -u
repo=$PWD
for c in 217ba57 92fad3e; do
  rm -rf /tmp/w-$c && git worktree add -f /tmp/w-$c $c > /dev/null 2>&1 || { echo "worktree $c failed"; exit 1; }
  cp -r .deps /tmp/w-$c/ && (cd /tmp/w-$c && scripts/gpu-check --only bench --suite quantize $OUT/b-$c > $OUT/build-$c.log 2>&1) &
done
wait
for c in 217ba57 92fad3e; do tail -3 $OUT/build-$c.log; done
rows=("--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"
      "--shape 4096,7168,16384 --iters 3000")
for args in "${rows[@]}"; do
  for c in 217ba57 92fad3e; do /tmp/w-$c/build-gpu/tools/fp8gemm bench ${args%--iters*} --no-baselines --iters 1 >/dev/null 2>&1; done
done
for round in 1 2; do
  order="217ba57 92fad3e"; [ $round = 2 ] && order="92fad3e 217ba57"
  for args in "${rows[@]}"; do
    for c in $order; do
      line=$(/tmp/w-$c/build-gpu/tools/fp8gemm bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) ')
      echo "r$round $c ${line:0:60} ${line: -12}"  # MHz, W at the end
    done
  done
done
cd $repo && git worktree prune
