#!/bin/bash
# Experiment 49 (session 11): contiguous 128x256 configs in turn at the board's power cap (every launch back to back
# with the L2 flush, 200 runs each, so the row lasts seconds): pairs sharing A (cluster 2), 3 stages, no K-block
# overlap, 192-wide pairs; and the long-K normal row with pairs. Run from the repository root on the GPU machine.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
B=build-gpu/tools/fp8gemm
C="--config 128,256,4,2,4 --config 128,256,3,1,4 --config 128,256,4,1,0 --config 128,192,4,2,2 --config 128,192,4,1,4"
for args in "--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--contiguous 8,4096,7168,2048"; do
  $B bench $args $C --iters 200 --no-baselines 2>&1 | grep -E "^(normal|contiguous|masked|  config) "
done
$B bench --shape 4096,7168,16384 --config 128,256,4,2,0 --config 128,256,3,1,0 --iters 300 --no-baselines 2>&1 | grep -E "^(normal|contiguous|masked|  config) "
