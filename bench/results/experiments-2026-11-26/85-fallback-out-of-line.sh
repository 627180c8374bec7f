#!/bin/bash
# Experiment 85, second call: the out-of-line fallback (working tree) against inline unrolled (HEAD), timed in turn.
set -u
out=${OUT:-/tmp}
cd "$(dirname "$0")/../.."
GPU_CHECK_BUDGET_S=120 scripts/gpu-check --only bench --suite quantize "$out/gc" > "$out/gc.log" 2>&1 || { tail "$out/gc.log"; exit 1; }
tool=$PWD/build-gpu/tools/fp8gemm
echo "== timing in turn (base = out of line)"
KERNELS_AB_TOOL=$tool scripts/kernels-ab --rounds 3 --out "$out/ab" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--contiguous 4,8192,4096,7168" 1700 \
  --cap "--shape 4096,7168,2048" 15000 \
  --row "--contiguous 4,8192,7168,2048" --row "--masked 1,1024,4096,7168" --row "--shape 4096,7168,2048" \
  unrolled=<the reverse of 85-fallback-out-of-line.patch> 2>&1 | grep -E "^(r|c)[0-9]|FAIL|rror"
echo "== check"
timeout 100 "$tool" check --random 120 2>&1 | tail -4
