#!/bin/bash
# Experiment 74 (prepared in session 14, not yet run): do the waves of tiles stay in step? Experiments 67-68: on
# contiguous N=4096 K=7168 (4096 tiles) 128 CTAs ran each tile ~8% faster per clock than 132 or 124. The instrumented
# kernels (74-wave-trace-kernel.patch, through FP8GEMM_KERNELS_DIR) record each CTA's SM and every tile's start and
# end on the global timer; the host hook (74-wave-trace-host-hook.patch, applied here and reverted at the end) writes
# them after each launch (FP8GEMM_TRACE) and takes the grid from FP8GEMM_GRID, bypassing the balanced grid.
# 74-wave-trace.py prints, per wave, the spread of start times and the mean tile time, and the slowest SMs. Rows of
# ~1700 runs so that the last launch's trace is at the power cap. Run from the repository root on the GPU machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp}
git apply "$here/74-wave-trace-host-hook.patch" || exit 1
trap 'git apply -R "$here/74-wave-trace-host-hook.patch"' EXIT
rm -rf /tmp/ktrace && mkdir -p /tmp/ktrace && cp -r kernels /tmp/ktrace/ &&
  (cd /tmp/ktrace && patch -p1 -s < "$here/74-wave-trace-kernel.patch") || exit 1
scripts/gpu-check --only bench --suite quantize "$out/b" > "$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
B=build-gpu/tools/fp8gemm
trace() {  # NAME GRID ITERS BENCH_ARGS...
  local name=$1 grid=$2 iters=$3
  shift 3
  FP8GEMM_KERNELS_DIR=/tmp/ktrace/kernels FP8GEMM_GRID=$grid FP8GEMM_TRACE="$out/trace-$name.txt" \
    $B bench "$@" --no-baselines --iters "$iters" 2>&1 | grep -E "^(normal|contiguous|masked) " | cut -c1-75
}
trace c4096-g128 128 1700 --contiguous 4,8192,4096,7168
trace c4096-g132 132 1700 --contiguous 4,8192,4096,7168
trace c4096-g124 124 1700 --contiguous 4,8192,4096,7168
trace c7168-g131 131 3400 --contiguous 8,4096,7168,2048
trace c7168-g128 128 3400 --contiguous 8,4096,7168,2048
python3 "$here/74-wave-trace.py" "$out"/trace-*.txt
