# Experiment 93 (session 17): ran from .scratch/ct/.
# Device call 9 (session 17): mid-M shapes where the cost model picks 128- or 192-wide pairs: 128x256 with runs instead?
set -u
R=$(git rev-parse --show-toplevel); cd "$R"
T=$R/build-gpu/tools/fp8gemm
[ -x $T ] || { scripts/gpu-check --only bench --suite quantize /tmp/build > /tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }; }
for round in 1 2; do
  for row in "--shape 2048,7168,16384|128,128,5,2 128,256,3,1,2 128,192,4,2,2" \
             "--shape 3072,7168,16384|128,192,4,2,2 128,256,3,1,2 128,128,5,2" \
             "--shape 2048,7168,2048|128,128,5,2 128,256,3,1,2 128,192,4,2,2" \
             "--shape 3072,7168,2048|128,192,4,2,2 128,256,3,1,2 128,128,5,2" \
             "--shape 3072,4096,7168|128,192,4,2,2,32 128,256,3,1,2" \
             "--shape 192,32768,512|128,128,5,1 128,256,4,1" \
             "--shape 256,32768,512|128,128,5,1 128,256,4,1" \
             "--contiguous 8,256,7168,2048|128,128,5,2 128,256,3,1,4 128,192,4,2,2" \
             "--masked 8,256,7168,2048|128,128,5,2 128,256,3,1,2 128,192,4,2,2" \
             "--masked 8,192,7168,2048|128,128,5,2 128,256,3,1,2"; do
    IFS='|' read -r shape configs <<< "$row"
    args=(); for c in $configs; do args+=(--config $c); done
    echo "== round $round $shape iters 100"
    $T bench $shape --no-baselines --iters 100 "${args[@]}" 2>&1 | grep -E "^(normal|masked|contiguous)|config  |rror"
  done
done 2>&1 | tee $OUT/ab9.txt
