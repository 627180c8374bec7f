# Experiment 91 (session 17): ran from .scratch/ct/ (.scratch/old: git archive b82acf0).
# Device call 7 (session 17): cold compile of the DeepSeek-V3 list on the GPU machine's host, -j1, NVRTC's cache off,
# the heuristic of 97d8850 (new: runs for every 128x256 tile) against b82acf0's (old), in turn.
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
ln -sfn "$R/.deps" "$R/.scratch/old/.deps"
scripts/gpu-check --only bench --suite quantize /tmp/b > /tmp/b.log 2>&1 || { tail -20 /tmp/b.log; exit 1; }
(cd .scratch/old && scripts/gpu-check --only bench --suite quantize /tmp/a > /tmp/a.log 2>&1) || { tail -20 /tmp/a.log; exit 1; }
for v in new old new old; do
  if [ $v = new ]; then T=$R/build-gpu/tools/fp8gemm; K=$R/kernels; else T=$R/.scratch/old/build-gpu/tools/fp8gemm; K=$R/.scratch/old/kernels; fi
  CUDA_CACHE_DISABLE=1 FP8GEMM_KERNELS_DIR=$K FP8GEMM_CACHE_DIR=$(mktemp -d) $T compile --suite deepseek-v3 -j1 -q \
    --json $OUT/91-$v-$RANDOM.json 2>&1 | grep "kernel(s)" | sed "s/^/$v: /"
done 2>&1 | tee $OUT/91.txt
