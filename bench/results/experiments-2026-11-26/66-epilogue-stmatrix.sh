#!/bin/bash
# Experiment 66 (prepared in session 13, not yet run): the TMA-store epilogue stages two 8-column groups of the warp's
# 16 rows per stmatrix.x4 (66-epilogue-stmatrix.patch, kernels only) instead of one 4-byte st.shared per lane and
# fragment pair: 16 instructions instead of 64 per thread for a 256-wide tile (the bytes, 64 KB a tile, stay).
# Experiment 62: the epilogue takes 1250-1650 cycles a tile with both math warpgroups off the tensor cores (11-13%
# of a K=2048 tile). The mapping of lanes to staged bytes was checked equal to the old one by emulation, and the
# kernels compile without spills, pass the SASS test, and hold 16 (256-wide) or 8 (128-wide) STSM. The GPU tests on
# the patched kernels first (EpiloguePaths covers every staging path), then main's and the patched kernels in turn:
# two rounds of 100 runs, then the K=2048 and K=512 rows at the cap (scripts/kernels-ab). Run from the repository
# root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
scripts/kernels-ab --tests new \
  --row "--shape 4096,32768,512" --row "--shape 4096,7168,2048" --row "--shape 4096,24576,1536" \
  --row "--contiguous 8,4096,7168,2048" --row "--contiguous 4,8192,4096,7168" --row "--masked 1,1024,4096,7168" \
  --row "--shape 64,7168,2048" --row "--shape 128,32768,512" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--shape 4096,7168,2048" 15000 --cap "--shape 4096,32768,512" 12000 \
  new="$here/66-epilogue-stmatrix.patch"
