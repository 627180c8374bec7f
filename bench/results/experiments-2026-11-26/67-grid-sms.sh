#!/bin/bash
# Experiment 67: a persistent grid of 128 CTAs instead of 132 where the tile count is a multiple of 128. Contiguous
# (4, 8192, 4096, 7168) is 4096 tiles of 128x256: 31.03 waves on 132 SMs, so its last wave holds 4 tiles and the run
# takes 32 tile times either way; on 128 SMs it is 32 full waves with 4 SMs idle throughout. At the power cap speed is
# energy per FLOP (experiments 50, 60, 61): 3% fewer busy SMs at the same time per tile may buy clock. Same binary and
# kernels, `fp8gemm bench --num-sms 128` against all SMs, in turn (scripts/kernels-ab, variant "sms128" = this tree's
# kernels with --args). Normal M=4096 N=7168 K=16384 and K=2048 are 896 tiles (6.79 waves on 132, 7 on 128). Run from
# the repository root on the GPU machine.
set -u
scripts/kernels-ab --args sms128 "--num-sms 128" \
  --row "--contiguous 4,8192,4096,7168" --row "--shape 4096,4096,7168" --row "--shape 4096,7168,2048" \
  --cap "--contiguous 4,8192,4096,7168" 1700 --cap "--contiguous 8,4096,4096,7168" 1700 \
  --cap "--shape 4096,7168,16384" 3000 --cap "--shape 4096,7168,2048" 15000 \
  sms128=-
