#!/bin/bash
# Experiment 62 (session 13): where a tile's cycles go outside its K blocks (NOTES, open leads after session 13). The
# instrumented kernels (62-tile-probe-kernel.patch, through FP8GEMM_KERNELS_DIR) record, for math warpgroup 0's
# thread 0 of every CTA, per tile: tile start -> first full-barrier wait done (restart), -> K loop done, -> epilogue
# done, and epilogue done -> the next tile's start (the scheduler). The host hook (62-tile-probe-host-hook.patch,
# applied here and reverted at the end) prints the per-tile means after each launch when FP8GEMM_PROBE is set.
# Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
git apply "$here/62-tile-probe-host-hook.patch" || exit 1
trap 'git apply -R "$here/62-tile-probe-host-hook.patch"' EXIT
rm -rf /tmp/kprobe && mkdir -p /tmp/kprobe && cp -r kernels /tmp/kprobe/ &&
  (cd /tmp/kprobe && patch -p1 -s < "$here/62-tile-probe-kernel.patch") || exit 1
scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
B=build-gpu/tools/fp8gemm
for args in "--contiguous 4,8192,4096,7168" "--contiguous 8,4096,7168,2048" "--shape 4096,7168,16384" \
            "--shape 4096,7168,2048" "--shape 4096,4096,7168" "--shape 4096,32768,512"; do
  echo "== $args (20 runs; the last lines; base kernels, then probed)"
  $B bench $args --no-baselines --iters 20 2>&1 | grep -E "^(normal|contiguous|masked) " | cut -c1-75
  FP8GEMM_KERNELS_DIR=/tmp/kprobe/kernels FP8GEMM_PROBE=1 $B bench $args --no-baselines --iters 20 2>&1 |
    grep -E "PROBE|^(normal|contiguous|masked) " | cut -c1-200 | tail -3
done
