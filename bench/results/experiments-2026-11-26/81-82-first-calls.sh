#!/bin/bash
# Experiments 81 and 82 (session 16), one device call. Run from the repository root on the GPU machine.
# 81: the contiguous suite three times in separate processes: with an empty kernel cache (the rows whose kernel is
#     new compile it first, as in a gpu-check), again with an empty cache, then over the filled cache. The JIT log
#     gives each compile's time beside the row's "first ms". Today's two gpu-check runs read the two G=4 rows (the
#     ones that compile) 3-9% below the G=8 rows of the same N and K (same kernel); this separates the compile
#     before a row from the row.
# 82: one heavy kernel per process, cold (experiment 80 read 1228 ms for the first kernel of its -j1 list and
#     760-820 ms for the same kind of kernel later): contiguous N=4096 K=7168 and N=7168 K=2048 at M=32768, each
#     process with an empty cache, alternating, three times.
set -u
out=${OUT:-/tmp}
GPU_CHECK_BUDGET_S=200 scripts/gpu-check --only bench --suite quantize "$out/build" > "$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
rows() { grep -E '^contiguous |fp8gemm jit: compiled fp8gemm_contiguous' | sed 's/ in \([0-9.]* ms\).*/ \1/'; }
echo "== 81"
for run in empty1 empty2 filled; do
  [ "$run" != filled ] && cache=$(mktemp -d)
  echo "-- $run"
  FP8GEMM_CACHE_DIR=$cache FP8GEMM_JIT_VERBOSE=1 "$tool" bench --suite contiguous --json "$out/81-$run.json" 2>&1 | rows
done
echo "== 82"
for i in 1 2 3; do
  for layer in contiguous:4096:7168:4 contiguous:7168:2048:4; do
    FP8GEMM_CACHE_DIR=$(mktemp -d) "$tool" compile --layer $layer --m-min 32768 --m-max 32768 -j1 2>&1 | grep "gemm_con"
  done
done
