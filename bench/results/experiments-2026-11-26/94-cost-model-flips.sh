# Experiment 94 (session 17): ran from .scratch/ct/.
# Device call 10 (session 17): the choices that a 2% lower price of the 192- and 256-wide tiles would flip, old
# against new, forced in turn.
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
for round in 1 2; do
  for row in "--shape 6400,2112,7168|128,128,5,1 128,192,4,1,4" \
             "--shape 3456,4096,7168|128,128,5,2 128,192,4,2,2" \
             "--shape 2688,7168,2048|128,128,5,2 128,256,3,1,2" \
             "--shape 2048,7168,16384|128,128,5,2 128,192,4,2,2 128,256,3,1,2" \
             "--contiguous 7,512,4096,7168|128,128,5,2 128,192,4,2,2" \
             "--contiguous 7,384,7168,2048|128,128,5,2 128,256,3,1,4"; do
    IFS='|' read -r shape configs <<< "$row"
    args=(); for c in $configs; do args+=(--config $c); done
    echo "== round $round $shape iters 100"
    $T bench $shape --no-baselines --iters 100 "${args[@]}" 2>&1 | grep -E "^(normal|masked|contiguous)|config  |rror"
  done
done 2>&1 | tee $OUT/ab10.txt
