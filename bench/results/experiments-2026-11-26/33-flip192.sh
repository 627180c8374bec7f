#!/usr/bin/env bash
# Experiment 33 (session 9). Run from the repository root after a gpu-check build.
# Would a cheaper 192-wide tile in the heuristic's cost model (304 units against 318, the overlap's ~1.045x) pick
# better kernels? The rows are shapes where it would flip to 192; each forced 192 config is timed in turn with
# today's pick.
B=${B:-build-gpu/tools/fp8gemm}
for r in 1 2; do
  echo "== round $r: 128,192,4,1,4"
  $B bench --no-baselines --iters 40 --shape 4096,32768,512 --shape 4096,32768,2048 --shape 4096,32768,7168 \
    --contiguous 4,1024,32768,2048 --masked 4,1024,32768,2048 --config 128,192,4,1,4 2>&1 |
    grep -A1 "^normal\|^contig\|^masked" | grep -v "^--" | cut -c1-60,150-
  echo "== round $r: 128,192,4,2,2"
  $B bench --no-baselines --iters 40 --shape 8192,1536,512 --shape 4096,3072,512 --shape 2048,6144,512 \
    --shape 2048,7168,7168 --shape 2048,7168,2048 --shape 1024,24576,512 --shape 2048,18432,512 \
    --contiguous 4,4096,7168,512 --contiguous 4,512,7168,7168 --masked 4,512,7168,7168 --masked 4,1024,6144,512 \
    --config 128,192,4,2,2 2>&1 | grep -A1 "^normal\|^contig\|^masked" | grep -v "^--" | cut -c1-60,150-
done
