#!/bin/bash
# Experiment 52 (session 11): 256-wide tiles with 3 stages and a staging tile of the whole output tile (one
# epilogue pass, no wait for the first half's TMA stores), against main (4 stages, two rounds of 128 columns),
# built from `git archive HEAD` beside the working tree. Both binaries in turn, shape by shape, two rounds.
# The suite's protocol: 100 runs with the L2 flushed, our kernel only. Run from the repository root.
set -u
[ -x build-gpu/tools/fp8gemm ] || scripts/gpu-check --only bench --suite quantize $OUT/b > $OUT/build.log 2>&1
BASE=/tmp/base
if [ ! -x $BASE/build-gpu/tools/fp8gemm ]; then
  rm -rf $BASE && mkdir -p $BASE && git archive HEAD | tar -x -C $BASE && mkdir -p $BASE/.deps && cp -r .deps/debs $BASE/.deps/
  (cd $BASE && scripts/gpu-check --only bench --suite quantize $OUT/base > $OUT/base-build.log 2>&1)
fi
echo "base: $(git rev-parse --short HEAD) (main); new: the working tree ($(git diff --stat HEAD | tail -1))"
shapes=("--contiguous 4,8192,4096,7168" "--contiguous 4,8192,7168,2048" "--contiguous 8,4096,4096,7168"
        "--contiguous 8,4096,7168,2048" "--shape 4096,7168,16384" "--shape 4096,4096,7168" "--shape 4096,7168,2048"
        "--shape 4096,24576,1536" "--shape 4096,32768,512" "--masked 1,1024,4096,7168" "--masked 1,1024,7168,2048"
        "--shape 128,32768,512" "--shape 128,7168,16384" "--shape 4096,2112,7168")
for round in 1 2; do
  for args in "${shapes[@]}"; do
    for b in $BASE/build-gpu/tools/fp8gemm build-gpu/tools/fp8gemm; do
      tag=new; [ $b = build-gpu/tools/fp8gemm ] || tag=base
      echo "r$round $tag $($b bench $args --no-baselines --iters 100 2>&1 | grep -E '^(normal|contiguous|masked) ' | cut -d'|' -f1,2)"
    done
  done
done
