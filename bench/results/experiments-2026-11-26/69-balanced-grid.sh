#!/bin/bash
# Experiment 69: the balanced persistent grid (as many CTAs as the waves need: ceil(tiles / ceil(tiles / 132))) on the
# suite shapes where it is not 128, before it becomes the heuristic's rule (experiments 67-68: 128 CTAs on 4096-tile
# contiguous shapes +4-5% at the cap). Normal M=4096 N=2112 K=7168: 352 tiles of 128x192 (single CTAs), 3 waves -> 118
# CTAs. Contiguous N=7168 K=2048: 7168 tiles, 55 waves -> 131. Normal N=24576 K=1536 (3072 tiles) and N=32768 K=512
# (4096 tiles) -> 128. Same binary, `fp8gemm bench --num-sms G` against all SMs, in turn (scripts/kernels-ab, one
# call per grid size, the first builds). Run from the repository root on the GPU machine.
set -u
scripts/kernels-ab --args g118 "--num-sms 118" --row "--shape 4096,2112,7168" --cap "--shape 4096,2112,7168" 24000 \
  g118=- || exit 1
export KERNELS_AB_TOOL=$PWD/build-gpu/tools/fp8gemm
scripts/kernels-ab --args g128 "--num-sms 128" --row "--shape 4096,24576,1536" --row "--shape 4096,32768,512" \
  --cap "--shape 4096,24576,1536" 10000 --cap "--shape 4096,32768,512" 12000 g128=-
scripts/kernels-ab --args g131 "--num-sms 131" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--contiguous 4,8192,7168,2048" 3400 g131=-
