#!/bin/bash
# Experiment 58 (prepared in session 12, not yet run): what paces the loads (NOTES lead 2 after session 12). Instrumented kernels
# (58-probe-kernel.patch, through FP8GEMM_KERNELS_DIR) record, per CTA, math warpgroup 0's full-barrier waits: how many
# K blocks waited more than 64 cycles, the cycles waited, for those blocks the cycles from the TMA thread's issue of the
# loads to the wait's end (the loads' latency), and for every block the cycles from issue to the wait's start (the lead
# the pipeline gave the loads); the host hook (58-probe-host-hook.patch, applied here and reverted at the end) prints
# them after each launch when FP8GEMM_PROBE is set. Run from the repository root on the GPU machine, with the two
# patches beside this script.
set -u
here=$(cd "$(dirname "$0")" && pwd)
git apply "$here/58-probe-host-hook.patch" || exit 1
trap 'git apply -R "$here/58-probe-host-hook.patch"' EXIT
rm -rf /tmp/kprobe && mkdir -p /tmp/kprobe && cp -r kernels /tmp/kprobe/ &&
  (cd /tmp/kprobe && patch -p1 -s < "$here/58-probe-kernel.patch") || exit 1
scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1 || { tail -30 $OUT/build.log; exit 1; }
B=build-gpu/tools/fp8gemm
export FP8GEMM_KERNELS_DIR=/tmp/kprobe/kernels FP8GEMM_PROBE=1
for args in "--contiguous 4,8192,4096,7168" "--contiguous 8,4096,7168,2048" "--shape 4096,7168,16384" \
            "--shape 4096,7168,2048" "--shape 4096,4096,7168" "--masked 1,1024,4096,7168"; do
  echo "== $args (20 runs; the last lines)"
  $B bench $args --no-baselines --iters 20 2>&1 | grep -E "PROBE|^(normal|contiguous|masked) " | tail -3
done
echo "== at the power cap: contiguous 8x4096 N=7168 K=2048, 3000 runs (the last lines)"
$B bench --contiguous 8,4096,7168,2048 --no-baselines --iters 3000 2>&1 | grep -E "PROBE|^contiguous" | tail -3
