#!/bin/bash
# Experiment 84: the TMA-store kernels' predicated fallback as a rolled loop (working tree) against unrolled (HEAD).
set -u
out=${OUT:-/tmp}
cd "$(dirname "$0")/../.."
echo "== tests and check with the rolled fallback (this tree with 84-fallback-rolled.patch applied)"
CHECK_RANDOM=150 GPU_CHECK_BUDGET_S=330 scripts/gpu-check --only tests,check "$out/gc" > "$out/gc.log" 2>&1
tail -8 "$out/gc.log"
tool=$PWD/build-gpu/tools/fp8gemm
echo "== cold compile of the DeepSeek-V3 list, -j1, NVRTC's cache off, in turn"
for v in rolled unrolled rolled unrolled; do
  dir=$PWD/kernels; [ $v = unrolled ] && dir=$PWD/<HEAD kernels>
  CUDA_CACHE_DISABLE=1 FP8GEMM_KERNELS_DIR=$dir FP8GEMM_CACHE_DIR=$(mktemp -d) "$tool" compile --suite deepseek-v3 -j1 -q \
    --json "$out/84-$v-$RANDOM.json" 2>&1 | grep "kernel(s)" | sed "s/^/$v: /"
done
echo "== attribution of the contiguous runs-of-4 kernel"
sed -i 's/for v in "base r4.cu" "c1 r4.cu" "c3 r4.cu" "c4 r4.cu" "base r2.cu" "base r0.cu"/for v in "base r4.cu" "c5 r4.cu" "c1 r4.cu"/' .scratch/ct/run.sh
bash .scratch/ct/run.sh
echo "== timing in turn (base = rolled)"
KERNELS_AB_TOOL=$tool scripts/kernels-ab --rounds 2 --out "$out/ab" \
  --cap "--contiguous 8,4096,7168,2048" 3400 --cap "--contiguous 4,8192,4096,7168" 1700 \
  --cap "--shape 4096,7168,2048" 15000 \
  --row "--contiguous 4,8192,7168,2048" --row "--masked 1,1024,4096,7168" --row "--shape 4096,7168,2048" \
  unrolled=<the reverse of 84-fallback-rolled.patch> 2>&1 | grep -E "^(r|c)[0-9]|FAIL|rror"
