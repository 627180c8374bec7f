#!/bin/bash
# Experiment 72 (on eed7d96, balanced grid): contiguous N=7168 K=2048 is 7168 tiles of 128x256, 28 per m block. Its
# balanced grid (131 CTAs, 55 waves) straddles the bands of 16 m blocks (448 tiles); 128 CTAs with bands of 16 (3.5
# waves a band) tied it at the cap (experiment 70) despite one more wave. Bands of 32 m blocks (896 tiles = 7 waves of
# 128, 72-band32.patch) with 128 CTAs make every wave a seventh of a band, as 128 CTAs and bands of 16 do for the 4096
# tiles of N=4096 (8% faster per clock there, experiments 67-68). Variants: b32g128 (bands of 32, 128 CTAs), b32
# (bands of 32, the balanced 131: the control for the band alone). In turn at the cap (scripts/kernels-ab). Run from
# the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scripts/kernels-ab --args b32g128 "--num-sms 128" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--contiguous 4,8192,7168,2048" 3400 \
  b32g128="$here/72-band32.patch" b32="$here/72-band32.patch"
