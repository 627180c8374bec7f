#!/bin/bash
# Experiment 68: why 128 CTAs beat 132 at the cap (experiment 67: contiguous N=4096 K=7168 +4-5%, at a lower clock, so
# per clock). Both runs take 32 tile times; 132 CTAs leave a last wave of 4 tiles and their waves straddle the
# scheduler's bands (16 m blocks x 16 n blocks = 256 tiles), 128 CTAs make every wave half a band. Variants: sms128;
# sms124 (33.03 waves: the same 4-tile last wave as 132, bands still straddled, 4 fewer SMs than 128); band33 (132
# CTAs, kBand 33 so that a wave is a quarter of a band: 68-band33.patch, kernels only). Per wave of tiles: cycles =
# time x MHz / waves. At the cap, two rounds in turn (scripts/kernels-ab). Run from the repository root on the GPU
# machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scripts/kernels-ab --args sms128 "--num-sms 128" --args sms124 "--num-sms 124" \
  --cap "--contiguous 4,8192,4096,7168" 1700 --cap "--shape 4096,7168,16384" 3000 \
  sms128=- sms124=- band33="$here/68-band33.patch"
