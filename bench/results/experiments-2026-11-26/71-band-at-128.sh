#!/bin/bash
# Experiment 71 (on 33570b0, balanced grid): is band alignment why 128 CTAs ran the 4096-tile contiguous shape 8%
# faster per clock than 132 (experiment 68)? With 128 CTAs and bands of 16 m blocks (256 tiles at N=4096) every wave is
# half a band; with bands of 33 (528 tiles, 68-band33.patch) the waves straddle bands as they did on 132. If band33
# loses the gain, alignment is the cause. In turn at the cap (scripts/kernels-ab). Run from the repository root on the
# GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scripts/kernels-ab --cap "--contiguous 4,8192,4096,7168" 1700 --cap "--contiguous 8,4096,4096,7168" 1700 \
  band33="$here/68-band33.patch"
