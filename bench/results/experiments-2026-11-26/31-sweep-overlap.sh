#!/usr/bin/env bash
# Experiment 31: forced K-block overlap (runs of 2 and 4) against the heuristic's same tile without it, per
# tile the heuristic picked without overlap (session 9). Run from the repository root after a gpu-check build.
# Since 7402f05 FP8GEMM_CONFIG rejects ACROSS_RUN on shared-memory-A tiles wider than 128: the 136-160 blocks
# below now report that error instead of timing the spilling kernels.
B=${B:-build-gpu/tools/fp8gemm}
run() {  # base config, then shape options
  local cfg=$1; shift
  echo "== $cfg"
  $B bench --no-baselines --iters 60 "$@" --config $cfg,2 --config $cfg,4 2>&1 | grep -A2 "^normal\|^contig\|^masked" | grep -v "^--" | cut -c1-60,150-
}
run 128,128,5,2 --shape 2048,7168,7168 --contiguous 4,512,7168,7168 --masked 4,512,7168,7168
run 128,128,5,1 --shape 256,8192,7168
run 128,144,5,2 --shape 8192,576,7168 --contiguous 4,2048,576,7168 --masked 4,2048,576,7168
run 128,136,5,2 --shape 2048,2112,7168 --contiguous 4,512,2112,7168 --masked 4,512,2112,7168
run 128,160,5,2 --shape 1024,5120,7168 --masked 4,256,5120,7168
run 128,96,7,2 --shape 1024,1536,7168 --masked 4,256,1536,7168
run 128,112,6,1 --shape 256,7168,2048
run 64,128,8,1 --shape 64,32768,7168 --masked 4,64,24576,7168
run 64,96,8,1 --shape 64,24576,7168 --masked 4,64,12288,7168
