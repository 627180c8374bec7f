#!/bin/bash
# Experiment 59 (session 13): does cutting L2 reads pay at the power cap? Pairs that multicast A (cluster 2, each CTA
# reads 40 KB per K block from L2 instead of 48 KB) against single CTAs, on the contiguous rows at the cap (~2.5 s rows,
# where energy per FLOP sets the clock), in turn, two rounds in opposite orders. Experiment 22 found the A pairs'
# L2 saving worth nothing in 100-run bursts, which are not at the cap; if pairs gain here, multicasting B (32 KB per
# K block) is worth building. Run from the repository root on the GPU machine.
set -u
scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
B=build-gpu/tools/fp8gemm
cfgs=("128,256,3,1,4" "128,256,3,2,4" "128,256,4,2,4")
rows=("--contiguous 8,4096,7168,2048 --iters 3400" "--contiguous 4,8192,4096,7168 --iters 1700"
      "--shape 4096,7168,16384 --iters 3000")
for args in "${rows[@]}"; do
  for c in "${cfgs[@]}"; do FP8GEMM_CONFIG=$c $B bench ${args%--iters*} --no-baselines --iters 1 >/dev/null 2>&1 & done
done
wait
for round in 1 2; do
  order=(0 1 2); [ $round = 2 ] && order=(2 1 0)
  for args in "${rows[@]}"; do
    for i in "${order[@]}"; do
      c=${cfgs[$i]}
      echo "r$round $c $(FP8GEMM_CONFIG=$c $B bench $args --no-baselines 2>&1 | grep -E '^(normal|contiguous) |FAIL|rror' | cut -c1-60,200-)"
    done
  done
done
