#!/bin/bash
# Experiment 47 (session 11): is contiguous slower than normal at the same M, N, K, and is it the clock?
# Each contiguous suite shape beside the normal GEMM of the same M (all groups' rows), N, K, both with and
# without the K-block overlap (runs of 4 / none), beside cuBLASLt, with nvidia-smi logging the SM clock,
# power and throttle reasons every 100 ms. Run from the repository root on the GPU machine.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 100 > $OUT/smi.csv 2>&1 &
SMI=$!
for round in 1 2; do
  for args in "--contiguous 4,8192,4096,7168 --config 128,256,4,1,0" "--shape 32768,4096,7168 --config 128,256,4,1,4" \
              "--contiguous 8,4096,4096,7168 --config 128,256,4,1,0" \
              "--contiguous 4,8192,7168,2048 --config 128,256,4,1,0" "--shape 32768,7168,2048 --config 128,256,4,1,4" \
              "--contiguous 8,4096,7168,2048 --config 128,256,4,1,0" "--shape 4096,4096,7168"; do
    echo "== r$round $args  $(date +%T.%N)"
    $B bench $args --iters 100 2>&1 | grep -E "^(normal|contiguous|masked|  config) "
  done
done
kill $SMI
