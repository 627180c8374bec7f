#!/bin/bash
# Experiment 70 (on 5268267, the balanced grid): contiguous N=7168 K=2048 is 7168 tiles, 55 waves on the balanced grid
# of 131 CTAs; 128 CTAs make it 56 waves (+1.8%), which pays only if 128 runs >1.8% faster per tile, as on the
# 4096-tile K=7168 shapes (experiments 67-68). In turn at the cap and in runs of 100 (scripts/kernels-ab), then the
# contiguous suite twice (the spread of issue 4's rows on one machine). Run from the repository root on the GPU
# machine.
set -u
scripts/kernels-ab --args g128 "--num-sms 128" \
  --row "--contiguous 8,4096,7168,2048" --row "--contiguous 4,8192,7168,2048" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--contiguous 4,8192,7168,2048" 3400 g128=- || exit 1
for i in 1 2; do build-gpu/tools/fp8gemm bench --suite contiguous | grep -E '^contiguous '; done
